package io.ecrshare.policy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Computes the policy a repository should have: every statement we do not manage, unchanged and in order,
 * followed by the standard statements when the repository is shared. Pure and idempotent:
 * merging the result again yields an equivalent document.
 */
public final class PolicyMerger {

    private final ManagedStatements managed;
    private final ForeignAccessReview exclusiveReview;

    /** @param exclusiveReview null in merge mode; in exclusive mode, drops foreign statements granting outsiders */
    public PolicyMerger(ManagedStatements managed, ForeignAccessReview exclusiveReview) {
        this.managed = managed;
        this.exclusiveReview = exclusiveReview;
    }

    public Merge merge(Optional<PolicyDocument> current, boolean shared) {
        List<JsonNode> kept = new ArrayList<>();
        List<Removal> removed = new ArrayList<>();
        List<JsonNode> previousManaged = new ArrayList<>();
        List<JsonNode> lookalikes = new ArrayList<>();
        for (JsonNode statement : current.map(PolicyDocument::statements).orElse(List.of())) {
            if (ManagedStatements.isManaged(statement)) {
                previousManaged.add(statement);
                continue;
            }
            if (ManagedStatements.looksManaged(statement)) {
                lookalikes.add(statement);
            }
            String outsider = shared && exclusiveReview != null ? exclusiveReview.outsiderAccess(statement) : null;
            if (outsider != null) {
                removed.add(new Removal(statement, outsider));
            } else {
                kept.add(statement);
            }
        }
        List<JsonNode> desired = new ArrayList<>(kept);
        if (shared) {
            desired.addAll(managed.standard());
        }
        Optional<PolicyDocument> result = desired.isEmpty() ? Optional.empty()
                : Optional.of(current.map(c -> c.withStatements(desired)).orElseGet(() -> PolicyDocument.of(desired)));
        return new Merge(result, previousManaged, removed, shared ? missingOrChanged(previousManaged) : List.of(), lookalikes);
    }

    /** Sids of the standard statements that the current policy lacks in exactly their standard form. */
    private List<String> missingOrChanged(List<JsonNode> previousManaged) {
        List<String> sids = new ArrayList<>();
        for (JsonNode standard : managed.standard()) {
            if (previousManaged.stream().noneMatch(s -> PolicyDocument.equivalentStatements(s, standard))) {
                sids.add(standard.path("Sid").asText());
            }
        }
        return sids;
    }

    /**
     * @param desired         the policy to hold; empty means the repository should have no policy at all
     * @param previousManaged managed statements found in the current policy (replaced or dropped)
     * @param removed         foreign statements dropped by exclusive mode, with the reason
     * @param restoredSids    standard statements the desired policy puts back (missing or not in standard form)
     * @param lookalikes      foreign statements whose Sid starts with the managed prefix (a Deny, or a Sid we
     *                        never write): kept, and reported so nobody mistakes them for ours
     */
    public record Merge(Optional<PolicyDocument> desired, List<JsonNode> previousManaged, List<Removal> removed,
                        List<String> restoredSids, List<JsonNode> lookalikes) {
    }

    public record Removal(JsonNode statement, String reason) {
    }
}
