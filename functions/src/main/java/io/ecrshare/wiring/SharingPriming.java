package io.ecrshare.wiring;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.aws.AwsClients;
import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.aws.HttpsPriming;
import io.ecrshare.aws.PrimingHttpClient;
import io.ecrshare.config.FunctionConfig;
import io.ecrshare.config.ShareConfig;
import io.ecrshare.observability.EmbeddedMetrics;
import io.ecrshare.observability.JsonLog;
import io.ecrshare.share.CorrectionNotifier;
import io.ecrshare.share.Decision;
import io.ecrshare.share.ReconcileReport;
import io.ecrshare.share.DecisionOutput;
import io.ecrshare.share.Sleeper;
import software.amazon.awssdk.http.TlsTrustManagersProvider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * SnapStart priming of the policy functions (their {@link #checkpointHook}): one throwaway grant of a made-up
 * repository through the whole path (event parsing, the decision and policy merge, the audit log line, the
 * SDK's ECR marshalling, signing, error and response unmarshalling), answered from memory
 * ({@link PrimingHttpClient}) with fake credentials and logs written nowhere, then one real HTTPS request
 * ({@link HttpsPriming}). The classes the first real event needs are then loaded and initialised in the
 * snapshot instead of in the first invocation after a restore. The in-memory part makes no network call;
 * nothing is shared with the real components but the JVM.
 */
public final class SharingPriming {

    static final String REPOSITORY = "ecr-share-priming";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SharingPriming() {
    }

    /** The grant and enforce functions' checkpoint hook. */
    public static SnapStartPriming checkpointHook(SharingComponents components, Map<String, String> env,
                                                  TlsTrustManagersProvider trust) {
        return new SnapStartPriming(components.log(), () -> Map.of(
                "inMemory", prime(components.settings(), env).action().label(),
                "httpsStatus", new HttpsPriming(env, trust).ecrRead(REPOSITORY)));
    }

    /** The reconcile function's checkpoint hook: also a sweep (pagination, the worker pool, the report). */
    public static SnapStartPriming sweepCheckpointHook(SharingComponents components, Map<String, String> env,
                                                       TlsTrustManagersProvider trust) {
        return new SnapStartPriming(components.log(), () -> Map.of(
                "inMemory", prime(components.settings(), env).action().label(),
                "sweep", primeSweep(components.settings(), env).totals().toString(),
                "httpsStatus", new HttpsPriming(env, trust).ecrRead(REPOSITORY)));
    }

    /** @return the decision of the priming grant (tests check the path really ran) */
    public static Decision prime(FunctionConfig settings, Map<String, String> env) {
        ShareConfig config = settings.sharing();
        SharingComponents components = primingComponents(settings, env);
        String region = config.region() != null ? config.region() : PrimingClients.region(env);
        // This deployment's own account and Region, and what the grant rule matches: the whole path runs.
        String account = config.ownerAccountId() != null ? config.ownerAccountId() : "000000000000";
        String event = "{\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.ecr\",\"account\":\"" + account + "\","
                + "\"region\":\"" + region + "\",\"detail\":{\"eventSource\":\"ecr.amazonaws.com\",\"eventName\":\"CreateRepository\","
                + "\"eventID\":\"priming\",\"userIdentity\":{\"arn\":\"arn:aws:sts::000000000000:assumed-role/priming/priming\","
                + "\"sessionContext\":{\"sessionIssuer\":{\"arn\":\"arn:aws:iam::000000000000:role/priming\"}}},"
                + "\"requestParameters\":{\"repositoryName\":\"" + REPOSITORY + "\"}}}";
        Decision decision = components.grantProcessor().process(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)));
        try {
            DecisionOutput.write(decision, OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return decision;
    }

    /** A reconcile of the one repository the priming client lists, written in memory. */
    public static ReconcileReport primeSweep(FunctionConfig settings, Map<String, String> env) {
        ReconcileReport report = primingComponents(settings, env).reconciler().run(false, "priming");
        try {
            JSON.writeValue(OutputStream.nullOutputStream(), report.toJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return report;
    }

    private static SharingComponents primingComponents(FunctionConfig settings, Map<String, String> env) {
        Clock clock = Clock.systemUTC();
        ShareConfig config = settings.sharing();
        AwsClients clients = PrimingClients.answeringFrom(
                new PrimingHttpClient(clock, config.tag().key(), config.tag().value()), env);
        PrintStream nowhere = PrimingClients.nowhere();
        return SharingComponents.create(settings, new EcrRepositoryRegistry(clients.ecr()),
                new JsonLog(nowhere, clock, "priming"), new EmbeddedMetrics(nowhere, clock, "priming"), Sleeper.REAL,
                CorrectionNotifier.NONE);
    }
}
