package io.ecrshare.share;

import io.ecrshare.policy.PolicyDocument;
import io.ecrshare.registry.PolicyRejectedException;
import io.ecrshare.registry.RepositoryRef;
import io.ecrshare.registry.RepositoryRegistry;
import io.ecrshare.registry.UnknownRepositoryException;

import java.time.Clock;
import java.time.Duration;
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
 */
public final class RepositoryConverger {

    private final RepositoryRegistry registry;
    private final ShareDecider decider;
    private final int rejectedPolicyAttempts;
    private final Duration rejectedPolicyBackoff;
    private final Sleeper sleeper;
    private final Clock clock;

    /**
     * @param rejectedPolicyAttempts how often to try a policy ECR rejects as invalid (IAM propagation can
     *                               take seconds) before failing the invocation
     */
    public RepositoryConverger(RepositoryRegistry registry, ShareDecider decider, int rejectedPolicyAttempts,
                               Duration rejectedPolicyBackoff, Sleeper sleeper, Clock clock) {
        if (rejectedPolicyAttempts < 1) {
            throw new IllegalArgumentException("rejectedPolicyAttempts must be at least 1");
        }
        this.registry = registry;
        this.decider = decider;
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
        Duration backoff = rejectedPolicyBackoff;
        try {
            for (int attempt = 1; ; attempt++) {
                Map<String, String> tags = registry.tags(repository);
                Optional<String> policy = registry.policy(repository);
                long readAt = clock.millis();
                Optional<PolicyDocument> current = policy.map(PolicyDocument::parse);
                Optional<WriteMarker> marker = WriteMarker.parse(tags.get(WriteMarker.TAG_KEY));
                long[] basis = basis(current, marker, edit, readAt);
                Optional<LostUpdate> lost = edit.flatMap(e -> LostUpdate.check(e, current, marker));
                Decision decision;
                if (lost.isPresent() && lost.get().verdict() == LostUpdate.Verdict.RECOVERED) {
                    decision = decider.decideRecovery(repository.name(), tags, policy, lost.get(), trigger);
                    // What we write now is the person's edit: later edits are judged against its time.
                    basis = new long[]{lost.get().edit().secondStart(), lost.get().edit().secondEnd()};
                } else {
                    decision = decider.decide(repository.name(), tags, policy, trigger);
                    if (lost.isPresent()) {
                        decision = decision.withLostUpdate(lost.get());
                    }
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
