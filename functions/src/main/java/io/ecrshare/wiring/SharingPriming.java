package io.ecrshare.wiring;

import io.ecrshare.aws.AwsClients;
import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.aws.HttpsPriming;
import io.ecrshare.aws.PrimingHttpClient;
import io.ecrshare.config.ShareConfig;
import io.ecrshare.observability.EmbeddedMetrics;
import io.ecrshare.observability.JsonLog;
import io.ecrshare.share.CorrectionNotifier;
import io.ecrshare.share.Decision;
import io.ecrshare.share.DecisionOutput;
import io.ecrshare.share.Sleeper;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.TlsTrustManagersProvider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * SnapStart priming of the policy functions (their {@link #checkpointHook}): one throwaway grant of a made-up repository through the whole
 * path (event parsing, the decision and policy merge, the audit log line, the SDK's ECR marshalling, signing,
 * error and response unmarshalling), answered from memory ({@link PrimingHttpClient}) with fake credentials and
 * logs written nowhere, then one real HTTPS request ({@link HttpsPriming}). The classes the first real event
 * needs are then loaded and initialised in the snapshot instead of in the first invocation after a restore.
 * The in-memory grant makes no network call; nothing is shared with the real components but the JVM.
 */
public final class SharingPriming {

    static final String REPOSITORY = "ecr-share-priming";

    private SharingPriming() {
    }

    /** The grant, enforce and reconcile functions' checkpoint hook. */
    public static SnapStartPriming checkpointHook(SharingComponents components, Map<String, String> env,
                                                  TlsTrustManagersProvider trust) {
        return new SnapStartPriming(components.log(), () -> Map.of(
                "inMemory", prime(components.config(), env).action().label(),
                "httpsStatus", new HttpsPriming(env, trust).ecrRead(REPOSITORY)));
    }

    /** @return the decision of the priming grant (tests check the path really ran) */
    public static Decision prime(ShareConfig config, Map<String, String> env) {
        Map<String, String> primingEnv = new HashMap<>();
        primingEnv.put("AWS_REGION", env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1")));
        Clock clock = Clock.systemUTC();
        AwsClients clients = new AwsClients(primingEnv,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("PRIMING", "priming")),
                new PrimingHttpClient(clock, config.tag().key(), config.tag().value()), 1);
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        SharingComponents components = SharingComponents.create(config, new EcrRepositoryRegistry(clients.ecr()), env,
                new JsonLog(nowhere, clock, "priming"), new EmbeddedMetrics(nowhere, clock, "priming"), Sleeper.REAL,
                CorrectionNotifier.NONE);
        String event = "{\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.ecr\",\"account\":\"000000000000\","
                + "\"region\":\"" + primingEnv.get("AWS_REGION") + "\",\"detail\":{\"eventName\":\"CreateRepository\","
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
}
