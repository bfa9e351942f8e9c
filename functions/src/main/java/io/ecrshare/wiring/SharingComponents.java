package io.ecrshare.wiring;

import io.ecrshare.aws.AwsClients;
import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.aws.SnsCorrectionNotifier;
import io.ecrshare.config.ConfigException;
import io.ecrshare.config.EnforcementMode;
import io.ecrshare.config.FunctionConfig;
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
import io.ecrshare.share.EventPurpose;
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
public record SharingComponents(FunctionConfig settings, RepositoryRegistry registry, RepositoryConverger converger,
                                DecisionRecorder recorder, JsonLog log, CorrectionNotifier notifier) {

    static final Duration POLICY_REJECTED_BACKOFF = Duration.ofSeconds(2);

    /**
     * The handlers' wiring on Lambda. Builds only what the first event needs (the SNS client waits for the first
     * notification); the request path is primed by the SnapStart hook ({@link SharingPriming#checkpointHook}).
     */
    public static SharingComponents fromEnvironment(String function) {
        return fromEnvironment(function, System.getenv(), AwsClients.fromEnvironment(), System.out);
    }

    /** Production wiring from an environment; also used by the plan command with its own environment. */
    public static SharingComponents fromEnvironment(String function, Map<String, String> env, AwsClients clients,
                                                    PrintStream logs) {
        JsonLog log = new JsonLog(logs, Clock.systemUTC(), function);
        try {
            FunctionConfig config = FunctionConfig.fromEnvironment(env);
            CorrectionNotifier notifier = config.notificationTopicArn()
                    .<CorrectionNotifier>map(topic -> new SnsCorrectionNotifier(clients::sns, topic, log))
                    .orElse(CorrectionNotifier.NONE);
            return create(config, new EcrRepositoryRegistry(clients.ecr(), clients::ecr), log,
                    new EmbeddedMetrics(logs, Clock.systemUTC(), function), Sleeper.REAL, notifier);
        } catch (ConfigException e) {
            log.error("invalid configuration", Map.of("error", e.getMessage()));
            throw e;
        }
    }

    public static SharingComponents create(FunctionConfig settings, RepositoryRegistry registry, JsonLog log,
                                           EmbeddedMetrics metrics, Sleeper sleeper, CorrectionNotifier notifier) {
        ShareConfig config = settings.sharing();
        ManagedStatements managed = new ManagedStatements(config.consumers());
        ForeignAccessReview review = config.mode() == EnforcementMode.EXCLUSIVE
                ? new ForeignAccessReview(config.ownerAccountId(), config.consumers()) : null;
        ShareDecider decider = new ShareDecider(config.tag(), new PolicyMerger(managed, review));
        ReplicationSources sources = config.replicationSourceRegions().isEmpty() ? ReplicationSources.NONE
                : new ReplicationSources(registry, config.tag(), config.replicationSourceRegions());
        RepositoryConverger converger = new RepositoryConverger(registry, decider, sources,
                settings.policyRejectedAttempts(), POLICY_REJECTED_BACKOFF, sleeper, Clock.systemUTC());
        return new SharingComponents(settings, registry, converger, new DecisionRecorder(log, metrics), log, notifier);
    }

    public EventProcessor grantProcessor() {
        return new EventProcessor(config(), converger, recorder, EventPurpose.sharing());
    }

    public EventProcessor enforcementProcessor() {
        return new EventProcessor(config(), converger, recorder, EventPurpose.driftCorrection(recorder, notifier));
    }

    public Reconciler reconciler() {
        return new Reconciler(registry, converger, recorder, log, settings.reconcileConcurrency());
    }

    public ShareConfig config() {
        return settings.sharing();
    }
}
