package io.ecrshare.share;

import io.ecrshare.config.ShareTag;
import io.ecrshare.policy.ManagedStatements;
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
        ShareTag.Reading reading = tag.read(tags);
        return decide(repository, reading.shared(), reading.reason(), currentPolicyText, trigger);
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
            return unchanged(repository, state + "; no managed statements", current, merge);
        }
        if (desired.isPresent() && current.isPresent() && desired.get().isEquivalentTo(current.get())) {
            return unchanged(repository, state + "; policy already matches the standard", current, merge);
        }
        if (desired.isEmpty()) {
            return new Decision(repository, Action.REVOKED, state + "; managed statements removed, no statement left",
                    Decision.Write.DELETE, current, desired, List.of(), merge.removed(), merge.lookalikes(), Optional.empty());
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
        return new Decision(repository, action, withLookalikes(reason, merge), Decision.Write.SET, current, desired,
                merge.restoredSids(), merge.removed(), merge.lookalikes(), Optional.empty());
    }

    /**
     * The decision when a person's edit was lost to one of our writes: the policy becomes what they wrote, merged
     * with the standard statements for the current tags, as if our write had never overwritten it.
     */
    public Decision decideRecovery(String repository, Map<String, String> tags, Optional<String> currentPolicyText,
                                   LostUpdate lost, Trigger trigger) {
        Decision onTheirs = decide(repository, tags, Optional.of(lost.edit().policy().toJson()), trigger);
        Optional<PolicyDocument> current = currentPolicyText.map(PolicyDocument::parse);
        Optional<PolicyDocument> desired = onTheirs.after();
        boolean same = desired.isPresent() ? current.isPresent() && desired.get().isEquivalentTo(current.get()) : current.isEmpty();
        if (same) {
            return unchanged(repository, "lost update found but nothing to put back; " + onTheirs.reason(), current,
                    merger.merge(current, tag.isCarriedBy(tags))).withLostUpdate(lost);
        }
        String reason = "lost update recovered: " + lost.edit().actor() + "'s SetRepositoryPolicy (" + lost.edit().eventId()
                + ") had been overwritten by ecr-share; " + onTheirs.reason();
        return new Decision(repository, Action.RESTORED, reason, desired.isPresent() ? Decision.Write.SET : Decision.Write.DELETE,
                current, desired, onTheirs.restoredSids(), onTheirs.removed(), onTheirs.lookalikes(), Optional.of(lost));
    }

    private static Decision unchanged(String repository, String reason, Optional<PolicyDocument> current,
                                      PolicyMerger.Merge merge) {
        return new Decision(repository, Action.UNCHANGED, withLookalikes(reason, merge), Decision.Write.NONE, current, current,
                List.of(), List.of(), merge.lookalikes(), Optional.empty());
    }

    private static String withLookalikes(String reason, PolicyMerger.Merge merge) {
        if (merge.lookalikes().isEmpty()) {
            return reason;
        }
        List<String> sids = merge.lookalikes().stream().map(s -> s.path("Sid").asText()).toList();
        return reason + "; kept " + sids.size() + " statement(s) that are not ecr-share's although their Sid starts with "
                + ManagedStatements.SID_PREFIX + " (a Deny, or a Sid ecr-share never writes): " + String.join(", ", sids);
    }
}
