package io.ecrshare.share;

import io.ecrshare.registry.PolicyRejectedException;
import io.ecrshare.registry.RepositoryRef;
import io.ecrshare.registry.RepositoryRegistry;
import io.ecrshare.registry.UnknownRepositoryException;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Brings one repository to its desired policy: reads its current tags and policy (never trusting the event
 * for state), asks the {@link ShareDecider}, and writes only when the decision needs it.
 */
public final class RepositoryConverger {

    private final RepositoryRegistry registry;
    private final ShareDecider decider;
    private final int rejectedPolicyAttempts;
    private final Duration rejectedPolicyBackoff;
    private final Sleeper sleeper;

    /**
     * @param rejectedPolicyAttempts how often to try a policy ECR rejects as invalid (IAM propagation can
     *                               take seconds) before failing the invocation
     */
    public RepositoryConverger(RepositoryRegistry registry, ShareDecider decider, int rejectedPolicyAttempts,
                               Duration rejectedPolicyBackoff, Sleeper sleeper) {
        if (rejectedPolicyAttempts < 1) {
            throw new IllegalArgumentException("rejectedPolicyAttempts must be at least 1");
        }
        this.registry = registry;
        this.decider = decider;
        this.rejectedPolicyAttempts = rejectedPolicyAttempts;
        this.rejectedPolicyBackoff = rejectedPolicyBackoff;
        this.sleeper = sleeper;
    }

    /** Decides and, unless {@code dryRun}, applies. A repository deleted meanwhile is skipped, not failed. */
    public Decision converge(RepositoryRef repository, boolean dryRun, Trigger trigger) {
        try {
            Map<String, String> tags = registry.tags(repository);
            Optional<String> policy = registry.policy(repository);
            Decision decision = decider.decide(repository.name(), tags, policy, trigger);
            if (!dryRun) {
                apply(repository, decision);
            }
            return decision;
        } catch (UnknownRepositoryException e) {
            return Decision.skipped(repository.name(), "repository no longer exists");
        }
    }

    private void apply(RepositoryRef repository, Decision decision) {
        switch (decision.write()) {
            case SET -> setWithRetries(repository, decision.after().orElseThrow().toJson());
            case DELETE -> registry.deletePolicy(repository);
            case NONE -> { }
        }
    }

    private void setWithRetries(RepositoryRef repository, String policyText) {
        Duration backoff = rejectedPolicyBackoff;
        for (int attempt = 1; ; attempt++) {
            try {
                registry.setPolicy(repository, policyText);
                return;
            } catch (PolicyRejectedException e) {
                if (attempt >= rejectedPolicyAttempts) {
                    throw e;
                }
                pause(backoff);
                backoff = backoff.multipliedBy(2);
            }
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
