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
 * For the enforcer every write is a drift correction: it is reported as restored and people are notified.
 */
public final class EventProcessor {

    private final ShareConfig config;
    private final RepositoryConverger converger;
    private final DecisionRecorder recorder;
    private final boolean enforcement;
    private final CorrectionNotifier notifier;
    private final EventRule rule;

    /** @param rule what this function's EventBridge rule matches: anything else is skipped before any API call */
    public EventProcessor(ShareConfig config, EventRule rule, RepositoryConverger converger, DecisionRecorder recorder,
                          boolean enforcement, CorrectionNotifier notifier) {
        this.config = config;
        this.rule = rule;
        this.converger = converger;
        this.recorder = recorder;
        this.enforcement = enforcement;
        this.notifier = notifier;
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
                decision = converger.converge(event.repository().get(), false);
            }
            if (enforcement && decision.action() == Action.GRANTED) {
                // The policy had just been edited or deleted: putting the statements back is a restoration.
                decision = decision.as(Action.RESTORED, decision.reason() + " after the policy was changed");
            }
            recorder.record(decision, context, false);
            if (enforcement && decision.writes()) {
                if (decision.action() == Action.REVOKED) {
                    recorder.correction();
                }
                notifier.corrected(decision, event);
            }
            return decision;
        } catch (RuntimeException e) {
            recorder.failure(repository, context, e);
            throw e;
        } finally {
            recorder.flush();
        }
    }
}
