package io.ecrshare.wiring;

import io.ecrshare.aws.AwsClients;
import io.ecrshare.aws.PrimingHttpClient;
import io.ecrshare.aws.StsEcrTokenMinter;
import io.ecrshare.config.ConfigException;
import io.ecrshare.config.Consumers;
import io.ecrshare.config.ShareConfig;
import io.ecrshare.minting.TokenMinter;
import io.ecrshare.observability.EmbeddedMetrics;
import io.ecrshare.observability.JsonLog;
import io.ecrshare.token.TokenCache;
import io.ecrshare.token.TokenService;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Wires the token endpoint from configuration: the same consumer settings the policy functions use. */
public final class TokenComponents {

    public static final String TOKEN_ROLE_ARN = "TOKEN_ROLE_ARN";
    /** The value of the metrics' Function dimension and the logs' function field. */
    public static final String FUNCTION = "token";
    /** One retry: a caller behind API Gateway's 29 s limit is better served by a quick 429. */
    static final int UPSTREAM_ATTEMPTS = 2;

    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");

    private TokenComponents() {
    }

    public static Map<String, String> environment() {
        return System.getenv();
    }

    public static TokenService fromEnvironment() {
        JsonLog log = JsonLog.stdout(FUNCTION);
        try {
            Map<String, String> env = environment();
            return create(env, AwsClients.fromEnvironment().withMaxAttempts(UPSTREAM_ATTEMPTS), Clock.systemUTC(), log,
                    EmbeddedMetrics.stdout(FUNCTION), TokenCache.DEFAULT_MAX_ENTRIES);
        } catch (ConfigException e) {
            log.error("invalid configuration", Map.of("error", e.getMessage()));
            throw e;
        }
    }

    /** Also the tests' wiring, with clients pointed at moto or a loopback fake and a controllable clock. */
    public static TokenService create(Map<String, String> env, AwsClients clients, Clock clock, JsonLog log,
                                      EmbeddedMetrics metrics, int cacheEntries) {
        ShareConfig config = ShareConfig.fromEnvironment(env);
        String roleArn = tokenRoleArn(env);
        TokenMinter minter = new StsEcrTokenMinter(clients.sts(), clients.ecr(), roleArn);
        return new TokenService(config, minter, new TokenCache(clock, cacheEntries), clock, log, metrics);
    }

    /**
     * A throwaway copy of the endpoint for SnapStart priming: it answers from memory ({@link PrimingHttpClient})
     * with fake credentials and writes its logs nowhere, so the real endpoint's cache, clients and credentials
     * provider are untouched and nothing time- or credential-sensitive is captured in the snapshot.
     */
    public static TokenService primingService(Map<String, String> env, String primingAccount) {
        Map<String, String> primingEnv = new HashMap<>();
        primingEnv.put("AWS_REGION", env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1")));
        Clock clock = Clock.systemUTC();
        AwsClients clients = new AwsClients(primingEnv,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("PRIMING", "priming")),
                new PrimingHttpClient(clock), 1);
        ShareConfig deployed = ShareConfig.fromEnvironment(env);
        ShareConfig config = new ShareConfig(deployed.tag(), new Consumers(List.of(primingAccount), List.of(), List.of(), List.of()),
                deployed.mode(), primingAccount, Set.of());
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        return new TokenService(config,
                new StsEcrTokenMinter(clients.sts(), clients.ecr(), "arn:aws:iam::" + primingAccount + ":role/priming"),
                new TokenCache(clock, 4), clock, new JsonLog(nowhere, clock, FUNCTION), new EmbeddedMetrics(nowhere, clock, FUNCTION));
    }

    static String tokenRoleArn(Map<String, String> env) {
        String roleArn = env.get(TOKEN_ROLE_ARN);
        if (roleArn == null || roleArn.isBlank()) {
            throw new ConfigException(TOKEN_ROLE_ARN + " is not set: the ARN of the role whose sessions mint tokens");
        }
        if (!ROLE_ARN.matcher(roleArn.trim()).matches()) {
            throw new ConfigException(TOKEN_ROLE_ARN + " must be an IAM role ARN, got: " + roleArn);
        }
        return roleArn.trim();
    }
}
