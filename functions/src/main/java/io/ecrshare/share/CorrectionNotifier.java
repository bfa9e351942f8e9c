package io.ecrshare.share;

import io.ecrshare.event.CloudTrailEvent;

/** Tells people about a correction the enforcer made (an SNS topic in production; nothing when disabled). */
@FunctionalInterface
public interface CorrectionNotifier {

    void corrected(Decision decision, CloudTrailEvent cause);

    CorrectionNotifier NONE = (decision, cause) -> { };

    /** The short human-readable text sent per correction. */
    static String describe(Decision decision, CloudTrailEvent cause) {
        StringBuilder text = new StringBuilder();
        text.append("ecr-share corrected the repository policy of \"").append(decision.repository()).append("\" (")
                .append(cause.region()).append(", account ").append(cause.account()).append(").\n\n");
        text.append("Changed by: ").append(cause.actor()).append('\n');
        text.append("Their change: ").append(cause.eventName()).append(" at ").append(cause.eventTime())
                .append(" (CloudTrail event ").append(cause.eventId()).append(")\n");
        text.append("Action: ").append(decision.action().label()).append(" - ").append(decision.reason()).append('\n');
        if (!decision.restoredSids().isEmpty()) {
            text.append("Restored statements: ").append(String.join(", ", decision.restoredSids())).append('\n');
        }
        decision.removed().forEach(r -> text.append("Removed statement")
                .append(r.statement().hasNonNull("Sid") ? " " + r.statement().get("Sid").asText() : "")
                .append(": ").append(r.reason()).append('\n'));
        text.append("\nThe full policy before and after is in the enforce function's log (message \"decision\").");
        return text.toString();
    }
}
