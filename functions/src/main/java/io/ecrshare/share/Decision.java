package io.ecrshare.share;

import io.ecrshare.policy.PolicyDocument;
import io.ecrshare.policy.PolicyMerger.Removal;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of comparing a repository's current policy with the desired one.
 *
 * @param before the policy as read (empty: none)
 * @param after  the policy it should have (empty: none); equal to before when nothing is written
 * @param restoredSids managed statements that were missing or differed from the standard and are put back
 * @param removed foreign statements removed because they grant outsiders (exclusive mode)
 */
public record Decision(String repository, Action action, String reason, Write write,
                       Optional<PolicyDocument> before, Optional<PolicyDocument> after,
                       List<String> restoredSids, List<Removal> removed) {

    public enum Write { NONE, SET, DELETE }

    public static Decision skipped(String repository, String reason) {
        return new Decision(repository, Action.SKIPPED, reason, Write.NONE, Optional.empty(), Optional.empty(), List.of(),
                List.of());
    }

    /** The same decision with more said about why (e.g. what a replica's source lookup found). */
    public Decision withReason(String newReason) {
        return new Decision(repository, action, newReason, write, before, after, restoredSids, removed);
    }

    public boolean writes() {
        return write != Write.NONE;
    }
}
