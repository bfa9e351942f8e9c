package io.ecrshare.share;

import io.ecrshare.config.ShareTag;
import io.ecrshare.policy.PolicyDocument;
import io.ecrshare.registry.PolicyRejectedException;
import io.ecrshare.registry.RepositoryRef;
import io.ecrshare.registry.RepositoryRegistry;
import io.ecrshare.registry.UnknownRepositoryException;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Brings one repository to its desired policy: reads its current tags and policy (never trusting the event
 * for state), asks the {@link ShareDecider}, and writes only when the decision needs it. Every attempt reads
 * and decides afresh: a retry after ECR rejected a policy never writes text decided from an older read.
 *
 * <p>With every write it keeps a {@link WriteMarker} tag: when it wrote, what (digest), and when the policy it
 * derived the write from came to exist. For a person's SetRepositoryPolicy the enforcer hands in the edit, and
 * the marker tells whether that edit was overwritten by one of our writes ({@link LostUpdate}); if so the edit
 * is put back, merged with the standard statements.
 *
 * <p>A repository without the sharing tag key may be a replica: {@link ReplicationSources} decides it from its
 * source, and the sharing tag is put on it before the policy is written.
 */
public final class RepositoryConverger {

    private final RepositoryRegistry registry;
    private final ShareDecider decider;
    private final ReplicationSources replicationSources;
    private final int rejectedPolicyAttempts;
    private final Duration rejectedPolicyBackoff;
    private final Sleeper sleeper;
    private final Clock clock;

    /**
     * @param rejectedPolicyAttempts how often to try a policy ECR rejects as invalid (IAM propagation can
     *                               take seconds) before failing the invocation
     */
    public RepositoryConverger(RepositoryRegistry registry, ShareDecider decider, ReplicationSources replicationSources,
                               int rejectedPolicyAttempts, Duration rejectedPolicyBackoff, Sleeper sleeper, Clock clock) {
        if (rejectedPolicyAttempts < 1) {
            throw new IllegalArgumentException("rejectedPolicyAttempts must be at least 1");
        }
        this.registry = registry;
        this.decider = decider;
        this.replicationSources = replicationSources;
        this.rejectedPolicyAttempts = rejectedPolicyAttempts;
        this.rejectedPolicyBackoff = rejectedPolicyBackoff;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    /** Decides and, unless {@code dryRun}, applies. A repository deleted meanwhile is skipped, not failed. */
    public Decision converge(RepositoryRef repository, boolean dryRun, Trigger trigger) {
        return converge(repository, dryRun, trigger, Optional.empty());
    }

    /** @param edit the person's policy edit this convergence answers, if any (checked for a lost update) */
    public Decision converge(RepositoryRef repository, boolean dryRun, Trigger trigger, Optional<PolicyEdit> edit) {
        return converge(repository, dryRun, trigger, edit, false);
    }

    /** Uninstall (RevokeOnDelete): removes the managed statements whatever the tags say, unless {@code dryRun}. */
    public Decision revoke(RepositoryRef repository, boolean dryRun) {
        return converge(repository, dryRun, Trigger.SWEEP, Optional.empty(), true);
    }

    private Decision converge(RepositoryRef repository, boolean dryRun, Trigger trigger, Optional<PolicyEdit> edit,
                              boolean revokeAll) {
        Duration backoff = rejectedPolicyBackoff;
        try {
            for (int attempt = 1; ; attempt++) {
                Map<String, String> tags = registry.tags(repository);
                ReplicationSources.Lookup source = null;
                if (!revokeAll && replicationSources.decidesFor(tags)) {
                    source = replicationSources.find(repository);
                    if (source.sharedIn().isPresent()) {
                        ShareTag tag = replicationSources.tag();
                        if (!dryRun) {
                            // Tag first: should the policy write fail, the next event or reconcile sees a tagged repository.
                            registry.tag(repository, tag.key(), tag.value());
                        }
                        tags = new HashMap<>(tags);
                        tags.put(tag.key(), tag.value());
                    }
                }
                Optional<String> policy = registry.policy(repository);
                long readAt = clock.millis();
                Optional<PolicyDocument> current = policy.map(PolicyDocument::parse);
                Optional<WriteMarker> marker = WriteMarker.parse(tags.get(WriteMarker.TAG_KEY));
                long[] basis = basis(current, marker, edit, readAt);
                Optional<LostUpdate> lost = edit.flatMap(e -> LostUpdate.check(e, current, marker));
                Decision decision;
                if (revokeAll) {
                    decision = decider.decideRevokeAll(repository.name(), policy);
                } else if (lost.isPresent() && lost.get().verdict() == LostUpdate.Verdict.RECOVERED) {
                    decision = decider.decideRecovery(repository.name(), tags, policy, lost.get(), trigger);
                    // What we write now is the person's edit: later edits are judged against its time.
                    basis = new long[]{lost.get().edit().secondStart(), lost.get().edit().secondEnd()};
                } else {
                    decision = decider.decide(repository.name(), tags, policy, trigger);
                    if (lost.isPresent()) {
                        decision = decision.withLostUpdate(lost.get());
                    }
                }
                if (source != null && !source.note().isEmpty()) {
                    decision = decision.withNote(source.note());
                }
                if (dryRun || !decision.writes()) {
                    return decision;
                }
                try {
                    write(repository, decision);
                } catch (PolicyRejectedException e) {
                    if (attempt >= rejectedPolicyAttempts) {
                        throw e;
                    }
                    pause(backoff);
                    backoff = backoff.multipliedBy(2);
                    continue;   // read and decide again: the policy may have changed while we waited
                }
                return mark(repository, decision, basis);
            }
        } catch (UnknownRepositoryException e) {
            return Decision.skipped(repository.name(), "repository no longer exists");
        }
    }

    /**
     * When the policy just read came to exist, as [from, to] epoch millis: if it is our own last write, when the
     * policy that write was derived from did (inherited along our own writes); if it is exactly the edit being
     * processed, the edit's second; otherwise only that it existed when read (plus the clock tolerance).
     */
    private static long[] basis(Optional<PolicyDocument> current, Optional<WriteMarker> marker, Optional<PolicyEdit> edit,
                                long readAt) {
        if (edit.isPresent() && WriteMarker.digest(Optional.of(edit.get().policy())).equals(WriteMarker.digest(current))) {
            return new long[]{edit.get().secondStart(), edit.get().secondEnd()};
        }
        if (marker.isPresent() && marker.get().wrote(current)) {
            return new long[]{marker.get().basisFrom(), marker.get().basisTo()};
        }
        return new long[]{0, readAt + LostUpdate.CLOCK_SKEW_MILLIS};
    }

    private void write(RepositoryRef repository, Decision decision) {
        switch (decision.write()) {
            case SET -> registry.setPolicy(repository, decision.after().orElseThrow().toJson());
            case DELETE -> registry.deletePolicy(repository);
            case NONE -> { }
        }
    }

    /**
     * Records the write marker right after the write (the window between the two is what a lost update cannot be
     * recognised in). A marker that cannot be written does not undo the write: the decision says so.
     */
    private Decision mark(RepositoryRef repository, Decision decision, long[] basis) {
        WriteMarker marker = new WriteMarker(basis[0], basis[1], clock.millis(), WriteMarker.digest(decision.after()));
        try {
            registry.tag(repository, WriteMarker.TAG_KEY, marker.format());
            return decision;
        } catch (UnknownRepositoryException e) {
            throw e;
        } catch (RuntimeException e) {
            return decision.withNote("write marker not recorded (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "), so a person's edit this write may have overwritten cannot be recognised");
        }
    }

    private void pause(Duration duration) {
        try {
            sleeper.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry", e);
        }
    }
}
