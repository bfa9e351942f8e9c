package io.ecrshare.share;

import io.ecrshare.policy.InvalidPolicyException;
import io.ecrshare.policy.PolicyDocument;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * A person's SetRepositoryPolicy as CloudTrail recorded it: the whole policy they wrote
 * ({@code requestParameters.policyText}) and when. CloudTrail's {@code eventTime} has one-second resolution, so
 * the edit happened somewhere in [{@link #secondStart}, {@link #secondEnd}].
 */
public record PolicyEdit(String actor, String eventId, long secondStart, PolicyDocument policy) {

    public long secondEnd() {
        return secondStart + 999;
    }

    /** The edit an event records, or empty when it carries no usable policy text or time (nothing to compare). */
    public static Optional<PolicyEdit> of(String actor, String eventId, String eventTime, Optional<String> policyText) {
        if (policyText.isEmpty() || eventTime == null) {
            return Optional.empty();
        }
        try {
            long second = Instant.parse(eventTime).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();
            return Optional.of(new PolicyEdit(actor, eventId, second, PolicyDocument.parse(policyText.get())));
        } catch (DateTimeParseException | InvalidPolicyException e) {
            return Optional.empty();
        }
    }
}
