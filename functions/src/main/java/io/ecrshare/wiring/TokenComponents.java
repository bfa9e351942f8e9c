package io.ecrshare.wiring;

import io.ecrshare.aws.AwsClients;
import io.ecrshare.aws.HttpsPriming;
import io.ecrshare.aws.PrimingHttpClient;
import io.ecrshare.aws.StsEcrTokenMinter;
import io.ecrshare.config.ConfigException;
import io.ecrshare.config.Consumers;
import io.ecrshare.config.FunctionConfig;
import io.ecrshare.config.ShareConfig;
import io.ecrshare.minting.TokenMinter;
import io.ecrshare.observability.EmbeddedMetrics;
import io.ecrshare.observability.JsonLog;
import io.ecrshare.token.TokenCache;
import io.ecrshare.token.TokenService;
import software.amazon.awssdk.http.TlsTrustManagersProvider;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Wires the token endpoint from configuration: the same consumer settings the policy functions use. */
public final class TokenComponents {

    /** The value of the metrics' Function dimension and the logs' function field. */
    public static final String FUNCTION = "token";
    /** One retry: a caller behind API Gateway's 29 s limit is better served by a quick 429. */
    static final int UPSTREAM_ATTEMPTS = 2;
    /**
     * Each STS or ECR call ends within this, retries included; a token request makes two (AssumeRole, then
     * GetAuthorizationToken), so a hung upstream is answered 502 after at most 12 s: well inside the function's
     * 20 s Timeout (template.yaml) and API Gateway's 29 s. TokenTemplateTest checks the arithmetic.
     */
    public static final Duration UPSTREAM_CALL_TIMEOUT = Duration.ofSeconds(6);
    public static final Duration UPSTREAM_ATTEMPT_TIMEOUT = Duration.ofMillis(2500);
    public static final int UPSTREAM_CALLS_PER_TOKEN = 2;

    private TokenComponents() {
    }

    /** The function's configuration, read once at cold start; an invalid one is logged and stops init. */
    public static FunctionConfig configuration() {
        try {
            FunctionConfig config = FunctionConfig.fromEnvironment(System.getenv());
            config.requireTokenRoleArn();
            return config;
        } catch (ConfigException e) {
            JsonLog.stdout(FUNCTION).error("invalid configuration", Map.of("error", e.getMessage()));
            throw e;
        }
    }

    /** Production wiring: clients from the environment, the system clock, logs and metrics to stdout. */
    public static TokenService fromConfiguration(FunctionConfig config) {
        return create(config, AwsClients.fromEnvironment().withMaxAttempts(UPSTREAM_ATTEMPTS), Clock.systemUTC(),
                JsonLog.stdout(FUNCTION), EmbeddedMetrics.stdout(FUNCTION), TokenCache.DEFAULT_MAX_ENTRIES);
    }

    /** Also the tests' wiring, with clients pointed at moto or a loopback fake and a controllable clock. */
    public static TokenService create(FunctionConfig config, AwsClients clients, Clock clock, JsonLog log,
                                      EmbeddedMetrics metrics, int cacheEntries) {
        AwsClients bounded = clients.withCallTimeouts(UPSTREAM_ATTEMPT_TIMEOUT, UPSTREAM_CALL_TIMEOUT);
        TokenMinter minter = new StsEcrTokenMinter(bounded.sts(), bounded.ecr(), config.requireTokenRoleArn());
        return new TokenService(config.sharing(), minter, new TokenCache(clock, cacheEntries, config.tokenCacheScope()),
                clock, log, metrics);
    }

    /**
     * A throwaway copy of the endpoint for SnapStart priming: it answers from memory ({@link PrimingHttpClient})
     * with fake credentials and writes its logs nowhere, so the real endpoint's cache, clients and credentials
     * provider are untouched and nothing time- or credential-sensitive is captured in the snapshot.
     */
    public static TokenService primingService(FunctionConfig deployed, Map<String, String> env, String primingAccount) {
        Clock clock = Clock.systemUTC();
        AwsClients clients = PrimingClients.answeringFrom(new PrimingHttpClient(clock), env);
        ShareConfig sharing = deployed.sharing();
        ShareConfig config = new ShareConfig(sharing.tag(), new Consumers(List.of(primingAccount), List.of(), List.of(), List.of()),
                sharing.mode(), primingAccount, Set.of(), sharing.region());
        PrintStream nowhere = PrimingClients.nowhere();
        return new TokenService(config,
                new StsEcrTokenMinter(clients.sts(), clients.ecr(), "arn:aws:iam::" + primingAccount + ":role/priming"),
                new TokenCache(clock, 4), clock, new JsonLog(nowhere, clock, FUNCTION), new EmbeddedMetrics(nowhere, clock, FUNCTION));
    }

    /**
     * The token function's checkpoint hook: the in-memory requests of {@code inMemory} (tokenapi's
     * TokenPriming, through a {@link #primingService}), then one real HTTPS request to STS.
     */
    public static SnapStartPriming checkpointHook(Map<String, String> env, TlsTrustManagersProvider trust,
                                                  Supplier<?> inMemory) {
        return new SnapStartPriming(JsonLog.stdout(FUNCTION), () -> Map.of(
                "inMemory", inMemory.get(),
                "httpsStatus", new HttpsPriming(env, trust).stsRead()));
    }
}
