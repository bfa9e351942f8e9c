package io.ecrshare.wiring;

import io.ecrshare.aws.AwsClients;
import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.aws.SnsCorrectionNotifier;
import io.ecrshare.config.ConfigException;
import io.ecrshare.config.EnforcementMode;
import io.ecrshare.config.ShareConfig;
import io.ecrshare.observability.EmbeddedMetrics;
import io.ecrshare.observability.JsonLog;
import io.ecrshare.policy.ForeignAccessReview;
import io.ecrshare.policy.ManagedStatements;
import io.ecrshare.policy.PolicyMerger;
import io.ecrshare.registry.RepositoryRegistry;
import io.ecrshare.share.CorrectionNotifier;
import io.ecrshare.share.DecisionRecorder;
import io.ecrshare.share.EventProcessor;
import io.ecrshare.share.Reconciler;
import io.ecrshare.share.ReplicationSources;
import io.ecrshare.share.RepositoryConverger;
import io.ecrshare.share.ShareDecider;
import io.ecrshare.share.Sleeper;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Assembles the policy functions' collaborators from configuration. Handlers build it once, in their
 * constructor (Lambda's init phase); tests build it with a registry pointed at moto or a loopback server.
 */
public record SharingComponents(ShareConfig config, RepositoryRegistry registry, RepositoryConverger converger,
                                DecisionRecorder recorder, JsonLog log, CorrectionNotifier notifier,
                                int reconcileConcurrency) {

    static final String POLICY_REJECTED_ATTEMPTS = "POLICY_REJECTED_ATTEMPTS";
    static final String RECONCILE_CONCURRENCY = "RECONCILE_CONCURRENCY";
    static final String NOTIFICATION_TOPIC_ARN = "NOTIFICATION_TOPIC_ARN";
    /** {@code -Decrshare.priming=false} turns init-phase priming off (docs/benchmarks.md compares both). */
    public static final String PRIMING_PROPERTY = "ecrshare.priming";
    static final Duration POLICY_REJECTED_BACKOFF = Duration.ofSeconds(2);

    /**
     * The handlers' wiring on Lambda: also primes the request path (see {@link SharingPriming}) so the work of
     * loading it is done in the init phase, not in the first invocation. Priming is best effort.
     */
    public static SharingComponents fromEnvironment(String function) {
        SharingComponents components = fromEnvironment(function, System.getenv(), AwsClients.fromEnvironment(), System.out);
        if ("false".equals(System.getProperty(PRIMING_PROPERTY))) {
            return components;   // the benchmark's before/after comparison
        }
        try {
            SharingPriming.prime(components.config(), System.getenv());
        } catch (RuntimeException e) {
            components.log().warn("priming failed; the first event loads the request path itself",
                    Map.of("error", String.valueOf(e)));
        }
        return components;
    }

    /** Production wiring from an environment; also used by the plan command with its own environment. */
    public static SharingComponents fromEnvironment(String function, Map<String, String> env, AwsClients clients,
                                                    PrintStream logs) {
        JsonLog log = new JsonLog(logs, Clock.systemUTC(), function);
        try {
            ShareConfig config = ShareConfig.fromEnvironment(env);
            RepositoryRegistry registry = new EcrRepositoryRegistry(clients.ecr(), clients::ecr);
            String topic = env.get(NOTIFICATION_TOPIC_ARN);
            CorrectionNotifier notifier = topic == null || topic.isBlank() ? CorrectionNotifier.NONE
                    : new SnsCorrectionNotifier(clients.sns(), topic.trim(), log);
            return create(config, registry, env, log, new EmbeddedMetrics(logs, Clock.systemUTC(), function), Sleeper.REAL,
                    notifier);
        } catch (ConfigException e) {
            log.error("invalid configuration", Map.of("error", e.getMessage()));
            throw e;
        }
    }

    public static SharingComponents create(ShareConfig config, RepositoryRegistry registry, Map<String, String> env,
                                           JsonLog log, EmbeddedMetrics metrics, Sleeper sleeper,
                                           CorrectionNotifier notifier) {
        ManagedStatements managed = new ManagedStatements(config.consumers());
        ForeignAccessReview review = config.mode() == EnforcementMode.EXCLUSIVE
                ? new ForeignAccessReview(config.ownerAccountId(), config.consumers()) : null;
        ShareDecider decider = new ShareDecider(config.tag(), new PolicyMerger(managed, review));
        ReplicationSources sources = config.replicationSourceRegions().isEmpty() ? ReplicationSources.NONE
                : new ReplicationSources(registry, config.tag(), config.replicationSourceRegions());
        RepositoryConverger converger = new RepositoryConverger(registry, decider, sources,
                intSetting(env, POLICY_REJECTED_ATTEMPTS, 4, 1, 10), POLICY_REJECTED_BACKOFF, sleeper);
        return new SharingComponents(config, registry, converger, new DecisionRecorder(log, metrics), log, notifier,
                intSetting(env, RECONCILE_CONCURRENCY, 8, 1, 64));
    }

    public EventProcessor grantProcessor() {
        return new EventProcessor(config, converger, recorder, false, CorrectionNotifier.NONE);
    }

    public EventProcessor enforcementProcessor() {
        return new EventProcessor(config, converger, recorder, true, notifier);
    }

    public Reconciler reconciler() {
        return new Reconciler(registry, converger, recorder, log, reconcileConcurrency);
    }

    private static int intSetting(Map<String, String> env, String name, int fallback, int min, int max) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(name + " must be a whole number from " + min + " to " + max + ", got: " + raw);
    }
}
