package io.ecrshare.token;

import io.ecrshare.aws.AwsClients;
import io.ecrshare.aws.PrimingHttpClient;
import io.ecrshare.aws.StsEcrTokenMinter;
import io.ecrshare.config.Consumers;
import io.ecrshare.config.ShareConfig;
import io.ecrshare.observability.EmbeddedMetrics;
import io.ecrshare.observability.JsonLog;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SnapStart priming: runs requests through a throwaway copy of the endpoint, so the classes of the whole
 * request path (event parsing, validation, caller check, cache, SDK marshalling, signing and unmarshalling
 * for STS and ECR, JSON writing) are loaded and initialized in the snapshot. The copy answers from memory
 * ({@link PrimingHttpClient}) with fake credentials and writes its logs nowhere; the real endpoint's
 * cache, clients and credentials provider are untouched, so nothing time- or credential-sensitive is
 * captured in the snapshot.
 */
public final class TokenPriming {

    static final String PRIMING_ACCOUNT = "000000000000";

    private TokenPriming() {
    }

    /** @return the status codes of the priming requests (tests check the path really ran) */
    public static List<Integer> prime(Map<String, String> env) {
        Map<String, String> primingEnv = new HashMap<>();
        primingEnv.put("AWS_REGION", env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1")));
        Clock clock = Clock.systemUTC();
        AwsClients clients = new AwsClients(primingEnv,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("PRIMING", "priming")),
                new PrimingHttpClient(clock), 1);
        ShareConfig deployed = ShareConfig.fromEnvironment(env);
        ShareConfig config = new ShareConfig(deployed.tag(), new Consumers(List.of(PRIMING_ACCOUNT), List.of(), List.of(), List.of()),
                deployed.mode(), PRIMING_ACCOUNT, Set.of());
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        TokenService service = new TokenService(config,
                new StsEcrTokenMinter(clients.sts(), clients.ecr(), "arn:aws:iam::" + PRIMING_ACCOUNT + ":role/priming"),
                new TokenCache(clock, 4), clock, new JsonLog(nowhere, clock, "token"), new EmbeddedMetrics(nowhere, clock, "token"));
        TokenHandler handler = new TokenHandler(service);
        return List.of(
                run(handler, "registryIds=" + PRIMING_ACCOUNT, "json"),        // miss: STS + ECR through the SDK
                run(handler, "registryIds=" + PRIMING_ACCOUNT, "password"),    // hit
                run(handler, "registryIds=12345", "json"));                    // 400
    }

    private static int run(TokenHandler handler, String registryIds, String format) {
        String event = "{\"resource\":\"/token\",\"path\":\"/token\",\"httpMethod\":\"GET\","
                + "\"queryStringParameters\":{\"" + registryIds.replace("=", "\":\"") + "\",\"format\":\"" + format + "\"},"
                + "\"requestContext\":{\"requestId\":\"priming\",\"identity\":{\"accountId\":\"" + PRIMING_ACCOUNT + "\","
                + "\"userArn\":\"arn:aws:sts::" + PRIMING_ACCOUNT + ":assumed-role/priming/priming\"}}}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String response = out.toString(StandardCharsets.UTF_8);
        int at = response.indexOf("\"statusCode\":") + "\"statusCode\":".length();
        return Integer.parseInt(response.substring(at, at + 3));
    }
}
