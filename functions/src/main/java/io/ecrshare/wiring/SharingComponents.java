package io.ecrshare.wiring;

import io.ecrshare.aws.AwsClients;
import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.config.ConfigException;
import io.ecrshare.config.EnforcementMode;
import io.ecrshare.config.ShareConfig;
import io.ecrshare.observability.DecisionRecorder;
import io.ecrshare.observability.EmbeddedMetrics;
import io.ecrshare.observability.JsonLog;
import io.ecrshare.policy.ForeignAccessReview;
import io.ecrshare.policy.ManagedStatements;
import io.ecrshare.policy.PolicyMerger;
import io.ecrshare.registry.RepositoryRegistry;
import io.ecrshare.share.EventProcessor;
import io.ecrshare.share.RepositoryConverger;
import io.ecrshare.share.ShareDecider;
import io.ecrshare.share.Sleeper;

import java.time.Duration;
import java.util.Map;

/**
 * Assembles the policy functions' collaborators from configuration. Handlers build it once, in their
 * constructor (Lambda's init phase); tests build it with a registry pointed at moto or a loopback server.
 */
public record SharingComponents(ShareConfig config, RepositoryRegistry registry, RepositoryConverger converger,
                                DecisionRecorder recorder, JsonLog log) {

    static final String POLICY_REJECTED_ATTEMPTS = "POLICY_REJECTED_ATTEMPTS";
    static final int DEFAULT_POLICY_REJECTED_ATTEMPTS = 4;
    static final Duration POLICY_REJECTED_BACKOFF = Duration.ofSeconds(2);

    public static SharingComponents fromEnvironment(String function) {
        Map<String, String> env = System.getenv();
        JsonLog log = JsonLog.stdout(function);
        try {
            ShareConfig config = ShareConfig.fromEnvironment(env);
            RepositoryRegistry registry = new EcrRepositoryRegistry(AwsClients.fromEnvironment().ecr());
            return create(config, registry, env, log, EmbeddedMetrics.stdout(function), Sleeper.REAL);
        } catch (ConfigException e) {
            log.error("invalid configuration", Map.of("error", e.getMessage()));
            throw e;
        }
    }

    public static SharingComponents create(ShareConfig config, RepositoryRegistry registry, Map<String, String> env,
                                           JsonLog log, EmbeddedMetrics metrics, Sleeper sleeper) {
        ManagedStatements managed = new ManagedStatements(config.consumers());
        ForeignAccessReview review = config.mode() == EnforcementMode.EXCLUSIVE
                ? new ForeignAccessReview(config.ownerAccountId(), config.consumers()) : null;
        ShareDecider decider = new ShareDecider(config.tag(), new PolicyMerger(managed, review));
        RepositoryConverger converger = new RepositoryConverger(registry, decider, rejectedAttempts(env),
                POLICY_REJECTED_BACKOFF, sleeper);
        return new SharingComponents(config, registry, converger, new DecisionRecorder(log, metrics), log);
    }

    public EventProcessor eventProcessor() {
        return new EventProcessor(config, converger, recorder);
    }

    private static int rejectedAttempts(Map<String, String> env) {
        String raw = env.get(POLICY_REJECTED_ATTEMPTS);
        if (raw == null || raw.isBlank()) {
            return DEFAULT_POLICY_REJECTED_ATTEMPTS;
        }
        try {
            int attempts = Integer.parseInt(raw.trim());
            if (attempts >= 1 && attempts <= 10) {
                return attempts;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(POLICY_REJECTED_ATTEMPTS + " must be a whole number from 1 to 10, got: " + raw);
    }
}
