package io.ecrshare.share;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecrshare.policy.ManagedStatements;
import io.ecrshare.policy.PolicyDocument;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a person's policy edit was lost to one of ecr-share's writes (ECR has no conditional write: a
 * statement written between our read and our write is overwritten). Pure: from the edit, the repository's
 * current policy and the {@link WriteMarker} ecr-share keeps with every write.
 *
 * <p>The edit was lost exactly when (1) its foreign statements (everything but ecr-share's managed statements)
 * differ from the current policy's, (2) the current policy is, as parsed JSON, what ecr-share last wrote (nobody
 * else wrote since), (3) that write was derived, through ecr-share's own writes only, from a policy that certainly
 * existed before the edit ({@code basisTo} earlier than the edit's second), and (4) the edit did not certainly
 * come after that write (then the current text was written back after the edit, on purpose). Derived from a
 * policy that certainly came after the edit: a later edit removed or changed those statements, and they stay as
 * they are. Anything in between cannot be told apart (mostly: two things within the same second) and is reported.
 *
 * @param restored  the edit's statements missing from the current policy (put back on recovery)
 * @param withdrawn statements in the current policy that the edit had removed (taken out again on recovery)
 */
public record LostUpdate(Verdict verdict, String reason, PolicyEdit edit, List<JsonNode> restored, List<JsonNode> withdrawn) {

    public enum Verdict { RECOVERED, LATER_EDIT, UNDECIDABLE }

    /** Tolerance between the Lambda clock and CloudTrail's (both synchronised to Amazon Time Sync). */
    public static final long CLOCK_SKEW_MILLIS = 1000;

    /** Empty when the current policy carries exactly the edit's foreign statements: nothing was lost. */
    public static Optional<LostUpdate> check(PolicyEdit edit, Optional<PolicyDocument> current, Optional<WriteMarker> marker) {
        Map<String, JsonNode> wanted = foreign(Optional.of(edit.policy()));
        Map<String, JsonNode> present = foreign(current);
        if (wanted.keySet().equals(present.keySet())) {
            return Optional.empty();
        }
        List<JsonNode> restored = wanted.entrySet().stream().filter(e -> !present.containsKey(e.getKey())).map(Map.Entry::getValue).toList();
        List<JsonNode> withdrawn = present.entrySet().stream().filter(e -> !wanted.containsKey(e.getKey())).map(Map.Entry::getValue).toList();
        Verdict verdict;
        String reason;
        if (marker.isEmpty()) {
            verdict = Verdict.UNDECIDABLE;
            reason = "the repository has no " + WriteMarker.TAG_KEY + " marker, so who wrote the current policy is unknown";
        } else if (!marker.get().wrote(current)) {
            verdict = Verdict.LATER_EDIT;
            reason = "the current policy is not what ecr-share last wrote: someone wrote after the edit";
        } else if (marker.get().basisTo() < edit.secondStart()) {
            if (edit.secondStart() > marker.get().writtenAt() + CLOCK_SKEW_MILLIS) {
                verdict = Verdict.LATER_EDIT;
                reason = "the edit came after ecr-share's last write, and the policy ecr-share wrote was written back later";
            } else {
                verdict = Verdict.RECOVERED;
                reason = "ecr-share's write at " + java.time.Instant.ofEpochMilli(marker.get().writtenAt())
                        + " was derived from a policy that existed before the edit, and nobody wrote since: the edit was overwritten";
            }
        } else if (marker.get().basisFrom() > edit.secondEnd()) {
            verdict = Verdict.LATER_EDIT;
            reason = "ecr-share's last write was derived from a policy written after the edit: a later edit changed these statements";
        } else {
            verdict = Verdict.UNDECIDABLE;
            reason = "the edit and the policy ecr-share's last write was derived from fall within the same second"
                    + " (CloudTrail's eventTime resolution)";
        }
        return Optional.of(new LostUpdate(verdict, reason, edit, restored, withdrawn));
    }

    /** Foreign statements by canonical form, in document order. */
    private static Map<String, JsonNode> foreign(Optional<PolicyDocument> policy) {
        Map<String, JsonNode> statements = new LinkedHashMap<>();
        policy.map(PolicyDocument::statements).orElse(List.of()).stream()
                .filter(s -> !ManagedStatements.isManaged(s))
                .forEach(s -> statements.put(PolicyDocument.canonicalStatement(s), s));
        return statements;
    }

    /** Sids (or "statement N" for statements without one) of statements, for the audit line. */
    static List<String> names(List<JsonNode> statements) {
        return statements.stream().map(s -> s.hasNonNull("Sid") ? s.get("Sid").asText() : s.toString()).toList();
    }
}
