package io.ecrshare.share;

import io.ecrshare.event.CloudTrailEvent;
import io.ecrshare.event.EventRule;

/**
 * What the grant and enforce functions do differently with the same event pipeline: the grant function
 * shares; for the enforcer every write is a drift correction, counted as one and reported to people.
 */
public sealed interface EventPurpose {

    /** How the decider is to report a write this event causes. */
    Trigger trigger();

    /** What the function's EventBridge rule matches: any other event is skipped before any API call. */
    EventRule rule();

    /** Called after a decision that wrote. */
    void afterWrite(Decision decision, CloudTrailEvent event);

    static EventPurpose sharing() {
        return new Sharing();
    }

    static EventPurpose driftCorrection(DecisionRecorder recorder, CorrectionNotifier notifier) {
        return new DriftCorrection(recorder, notifier);
    }

    record Sharing() implements EventPurpose {
        @Override
        public Trigger trigger() {
            return Trigger.SHARING_CHANGE;
        }

        @Override
        public EventRule rule() {
            return EventRule.GRANT;
        }

        @Override
        public void afterWrite(Decision decision, CloudTrailEvent event) {
            // A grant or an untag's revoke is the point of the event, not a correction.
        }
    }

    record DriftCorrection(DecisionRecorder recorder, CorrectionNotifier notifier) implements EventPurpose {
        @Override
        public Trigger trigger() {
            return Trigger.POLICY_CHANGE;
        }

        @Override
        public EventRule rule() {
            return EventRule.ENFORCE;
        }

        @Override
        public void afterWrite(Decision decision, CloudTrailEvent event) {
            if (decision.action() == Action.REVOKED) {
                // Managed statements put on an unshared repository by hand: a correction too (restored counts itself).
                recorder.correction();
            }
            notifier.corrected(decision, event);
        }
    }
}
