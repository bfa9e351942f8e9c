package io.ecrshare.share;

import io.ecrshare.config.ShareConfig;
import io.ecrshare.event.CloudTrailEvent;
import io.ecrshare.event.EventRule;
import io.ecrshare.event.MalformedEventException;
import io.ecrshare.registry.RepositoryRef;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Handles one CloudTrail event for the grant and enforce functions: skips our own writes before any API
 * call (no loops), converges the named repository, and records the decision. Failures are recorded once
 * and rethrown so the invocation fails and the event reaches the dead-letter queue.
 * What a write means (a grant, or a drift correction people hear of) is the {@link EventPurpose}'s to say.
 */
public final class EventProcessor {

    private final ShareConfig config;
    private final RepositoryConverger converger;
    private final DecisionRecorder recorder;
    private final EventPurpose purpose;

    public EventProcessor(ShareConfig config, RepositoryConverger converger, DecisionRecorder recorder,
                          EventPurpose purpose) {
        this.config = config;
        this.converger = converger;
        this.recorder = recorder;
        this.purpose = purpose;
    }

    /** Parses and handles the raw event; a malformed one is recorded as a failure and rethrown. */
    public Decision process(InputStream input) {
        CloudTrailEvent event;
        try {
            event = CloudTrailEvent.parse(input);
        } catch (MalformedEventException e) {
            recorder.failure(null, Map.of("eventName", "unknown"), e);
            recorder.flush();
            throw e;
        }
        return process(event);
    }

    public Decision process(CloudTrailEvent event) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("eventName", event.eventName());
        context.put("actor", event.actor());
        context.put("sourceEvent", event.eventId());
        String repository = event.repository().map(RepositoryRef::name).orElse(null);
        try {
            Decision decision;
            EventRule rule = purpose.rule();
            Optional<String> notMatched = rule.rejection(event);
            String notOurs = event.repository()
                    .map(r -> config.notOurRepositoryReason(r.registryId(), r.region())).orElse(null);
            if (notMatched.isPresent()) {
                decision = Decision.skipped(repository, "not an event " + rule.function() + "'s rule matches: " + notMatched.get());
            } else if (config.isOwnRole(event.sessionIssuerArn())) {
                decision = Decision.skipped(repository, "caused by this stack's own role " + event.sessionIssuerArn());
            } else if (event.repository().isEmpty()) {
                decision = Decision.skipped(null, event.notARepositoryReason());
            } else if (notOurs != null) {
                decision = Decision.skipped(repository, notOurs);
            } else {
                decision = converger.converge(event.repository().get(), false, purpose.trigger(), personsEdit(event));
            }
            recorder.record(decision, context, false);
            if (decision.writes()) {
                purpose.afterWrite(decision, event);
            }
            return decision;
        } catch (RuntimeException e) {
            recorder.failure(repository, context, e);
            throw e;
        } finally {
            recorder.flush();
        }
    }

    /** A person's SetRepositoryPolicy, for the enforcer to check whether one of our writes overwrote it. */
    private Optional<PolicyEdit> personsEdit(CloudTrailEvent event) {
        if (purpose.trigger() != Trigger.POLICY_CHANGE || !"SetRepositoryPolicy".equals(event.eventName())) {
            return Optional.empty();
        }
        return PolicyEdit.of(event.actor(), event.eventId(), event.eventTime(), event.requestedPolicyText());
    }
}
