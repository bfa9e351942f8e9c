package io.ecrshare.share;

import io.ecrshare.config.ShareTag;
import io.ecrshare.policy.PolicyDocument;
import io.ecrshare.policy.PolicyMerger;
import io.ecrshare.policy.PolicyTooLargeException;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one sharing decision, used by the grant, enforce and reconcile functions alike: from a repository's
 * current tags and policy, what should its policy be, and is a write needed. Pure: no I/O.
 */
public final class ShareDecider {

    private final ShareTag tag;
    private final PolicyMerger merger;

    public ShareDecider(ShareTag tag, PolicyMerger merger) {
        this.tag = tag;
        this.merger = merger;
    }

    /** @param trigger why the repository is looked at: decides how a write is labelled, never what is written */
    public Decision decide(String repository, Map<String, String> tags, Optional<String> currentPolicyText,
                           Trigger trigger) {
        boolean shared = tag.isCarriedBy(tags);
        return decide(repository, shared, shared ? "tagged " + tag : "not tagged " + tag, currentPolicyText, trigger);
    }

    /** Uninstall (RevokeOnDelete): whatever the tags say, the repository keeps nothing of ours. */
    public Decision decideRevokeAll(String repository, Optional<String> currentPolicyText) {
        return decide(repository, false, "revoke all", currentPolicyText, Trigger.SWEEP);
    }

    private Decision decide(String repository, boolean shared, String state, Optional<String> currentPolicyText,
                            Trigger trigger) {
        Optional<PolicyDocument> current = currentPolicyText.map(PolicyDocument::parse);
        PolicyMerger.Merge merge = merger.merge(current, shared);
        Optional<PolicyDocument> desired = merge.desired();

        boolean nothingOfOurs = merge.previousManaged().isEmpty() && merge.removed().isEmpty();
        if (!shared && nothingOfOurs) {
            // Never touch a policy that holds nothing of ours, even an odd one (e.g. an empty Statement list).
            return unchanged(repository, state + "; no managed statements", current);
        }
        if (desired.isPresent() && current.isPresent() && desired.get().isEquivalentTo(current.get())) {
            return unchanged(repository, state + "; policy already matches the standard", current);
        }
        if (desired.isEmpty()) {
            return new Decision(repository, Action.REVOKED, state + "; managed statements removed, no statement left",
                    Decision.Write.DELETE, current, desired, List.of(), merge.removed());
        }
        int size = desired.get().length();
        if (size > PolicyDocument.MAX_LENGTH) {
            throw new PolicyTooLargeException(repository, size);
        }
        Action action;
        String reason;
        if (!shared) {
            action = Action.REVOKED;
            reason = state + "; managed statements removed, other statements kept";
        } else if (merge.previousManaged().isEmpty() && trigger == Trigger.POLICY_CHANGE) {
            // The policy had just been edited or deleted: putting the statements back is a restoration.
            action = Action.RESTORED;
            reason = state + "; standard statements added after the policy was changed";
        } else if (merge.previousManaged().isEmpty()) {
            action = Action.GRANTED;
            reason = state + "; standard statements added";
        } else {
            action = Action.RESTORED;
            reason = state + "; managed statements differed from the standard and were restored";
        }
        if (!merge.removed().isEmpty()) {
            reason += "; " + merge.removed().size() + " statement(s) granting outsiders removed (exclusive mode)";
        }
        return new Decision(repository, action, reason, Decision.Write.SET, current, desired, merge.restoredSids(),
                merge.removed());
    }

    private static Decision unchanged(String repository, String reason, Optional<PolicyDocument> current) {
        return new Decision(repository, Action.UNCHANGED, reason, Decision.Write.NONE, current, current, List.of(), List.of());
    }
}
