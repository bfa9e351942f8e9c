package io.ecrshare.share;

import io.ecrshare.registry.PolicyRejectedException;
import io.ecrshare.registry.RepositoryRef;
import io.ecrshare.registry.RepositoryRegistry;
import io.ecrshare.registry.UnknownRepositoryException;

import io.ecrshare.config.ShareTag;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Brings one repository to its desired policy: reads its current tags and policy (never trusting the event
 * for state), asks the {@link ShareDecider}, and writes only when the decision needs it.
 */
public final class RepositoryConverger {

    private final RepositoryRegistry registry;
    private final ShareDecider decider;
    private final ReplicationSources replicationSources;
    private final int rejectedPolicyAttempts;
    private final Duration rejectedPolicyBackoff;
    private final Sleeper sleeper;

    /**
     * @param rejectedPolicyAttempts how often to try a policy ECR rejects as invalid (IAM propagation can
     *                               take seconds) before failing the invocation
     */
    public RepositoryConverger(RepositoryRegistry registry, ShareDecider decider, ReplicationSources replicationSources,
                               int rejectedPolicyAttempts, Duration rejectedPolicyBackoff, Sleeper sleeper) {
        if (rejectedPolicyAttempts < 1) {
            throw new IllegalArgumentException("rejectedPolicyAttempts must be at least 1");
        }
        this.registry = registry;
        this.decider = decider;
        this.replicationSources = replicationSources;
        this.rejectedPolicyAttempts = rejectedPolicyAttempts;
        this.rejectedPolicyBackoff = rejectedPolicyBackoff;
        this.sleeper = sleeper;
    }

    /** Decides and, unless {@code dryRun}, applies. A repository deleted meanwhile is skipped, not failed. */
    public Decision converge(RepositoryRef repository, boolean dryRun, Trigger trigger) {
        try {
            Map<String, String> tags = registry.tags(repository);
            ReplicationSources.Lookup source = null;
            if (replicationSources.decidesFor(tags)) {
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
            Decision decision = decider.decide(repository.name(), tags, policy, trigger);
            if (source != null && !source.note().isEmpty()) {
                decision = decision.withReason(decision.reason() + "; " + source.note());
            }
            if (!dryRun) {
                apply(repository, decision);
            }
            return decision;
        } catch (UnknownRepositoryException e) {
            return Decision.skipped(repository.name(), "repository no longer exists");
        }
    }

    /** Uninstall: removes the managed statements whatever the tags say (unless {@code dryRun}). */
    public Decision revoke(RepositoryRef repository, boolean dryRun) {
        try {
            Decision decision = decider.decideRevokeAll(repository.name(), registry.policy(repository));
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
