package io.ecrshare.share;

import com.fasterxml.jackson.databind.JsonNode;
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
 * @param lookalikes foreign statements whose Sid starts with the managed prefix, kept as they are (reported)
 * @param lostUpdate for a person's policy edit: whether it had been lost to one of ecr-share's writes
 */
public record Decision(String repository, Action action, String reason, Write write,
                       Optional<PolicyDocument> before, Optional<PolicyDocument> after,
                       List<String> restoredSids, List<Removal> removed, List<JsonNode> lookalikes,
                       Optional<LostUpdate> lostUpdate) {

    public enum Write { NONE, SET, DELETE }

    public static Decision skipped(String repository, String reason) {
        return new Decision(repository, Action.SKIPPED, reason, Write.NONE, Optional.empty(), Optional.empty(), List.of(),
                List.of(), List.of(), Optional.empty());
    }

    /** The same decision, with what was found about a person's edit that may have been lost. */
    public Decision withLostUpdate(LostUpdate found) {
        return new Decision(repository, action, reason, write, before, after, restoredSids, removed, lookalikes,
                Optional.of(found));
    }

    /** The same decision with a note appended to its reason. */
    public Decision withNote(String note) {
        return new Decision(repository, action, reason + "; " + note, write, before, after, restoredSids, removed, lookalikes,
                lostUpdate);
    }

    public boolean writes() {
        return write != Write.NONE;
    }
}
