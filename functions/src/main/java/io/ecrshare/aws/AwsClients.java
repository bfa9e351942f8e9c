package io.ecrshare.aws;

import io.ecrshare.config.ConfigException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place that builds AWS clients: region from the environment, the JDK's URL connection HTTP client
 * (no Netty or Apache in the artifact), SDK retries with backoff for throttling and 5xx, and
 * {@code AWS_ENDPOINT_URL} honoured so the same code runs against AWS or a local stand-in.
 * Build it once per container (in a handler's constructor), never per request.
 */
public final class AwsClients {

    /** Throttling storms during a reconcile are ridden out with backoff rather than failed fast. */
    static final int MAX_ATTEMPTS = 8;

    private final Region region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final int maxAttempts;
    /** ECR clients of other Regions (replication sources), built on first use and kept for the container. */
    private final Map<String, EcrClient> regionalEcr = new ConcurrentHashMap<>();
    /** Per attempt and per call (all attempts, backoff included); null: the SDK's defaults (none). */
    private final Duration attemptTimeout;
    private final Duration callTimeout;

    public AwsClients(Map<String, String> env, AwsCredentialsProvider credentials) {
        this(env, credentials, UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(3))
                .socketTimeout(Duration.ofSeconds(20))
                .build(), MAX_ATTEMPTS);
    }

    /** With another HTTP client (the token function's SnapStart priming answers from memory) and attempts. */
    public AwsClients(Map<String, String> env, AwsCredentialsProvider credentials, SdkHttpClient http, int maxAttempts) {
        String regionName = env.getOrDefault("AWS_REGION", env.get("AWS_DEFAULT_REGION"));
        if (regionName == null || regionName.isBlank()) {
            throw new ConfigException("AWS_REGION is not set");
        }
        this.region = Region.of(regionName.trim());
        String endpointUrl = env.get("AWS_ENDPOINT_URL");
        this.endpoint = endpointUrl == null || endpointUrl.isBlank() ? null : URI.create(endpointUrl.trim());
        this.credentials = credentials;
        this.http = http;
        this.maxAttempts = maxAttempts;
        this.attemptTimeout = null;
        this.callTimeout = null;
    }

    private AwsClients(AwsClients base, int maxAttempts, Duration attemptTimeout, Duration callTimeout) {
        this.region = base.region;
        this.endpoint = base.endpoint;
        this.credentials = base.credentials;
        this.http = base.http;
        this.maxAttempts = maxAttempts;
        this.attemptTimeout = attemptTimeout;
        this.callTimeout = callTimeout;
    }

    /**
     * The same clients with each API call bounded in time, all attempts included: an upstream that accepts the
     * connection and never answers then fails the call in time for the caller to get an answer (the token
     * function's 502) instead of the function running into its own timeout.
     */
    public AwsClients withCallTimeouts(Duration perAttempt, Duration perCall) {
        return new AwsClients(this, maxAttempts, perAttempt, perCall);
    }

    /**
     * The same clients with fewer attempts: a caller waiting on an HTTP request (the token endpoint, behind
     * API Gateway's 29 s limit) is better served by a quick 429 than by a long backoff.
     */
    public AwsClients withMaxAttempts(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be positive");
        }
        return new AwsClients(this, attempts, attemptTimeout, callTimeout);
    }

    /**
     * Production wiring. The default chain finds the Lambda execution role's credentials both on a normal
     * start (environment variables) and after a SnapStart restore (container credentials endpoint).
     */
    public static AwsClients fromEnvironment() {
        return new AwsClients(System.getenv(), DefaultCredentialsProvider.builder().build());
    }

    public EcrClient ecr() {
        return configure(EcrClient.builder()).build();
    }

    /**
     * The ECR client of another Region, built once and then reused: the replication source lookups of a
     * 10,000-repository reconcile share it. Same credentials, HTTP client, retries and endpoint override
     * (moto serves every Region on one endpoint, as AWS_ENDPOINT_URL users expect).
     */
    public EcrClient ecr(String regionName) {
        return regionalEcr.computeIfAbsent(regionName,
                name -> configure(EcrClient.builder()).region(Region.of(name)).build());
    }

    public SnsClient sns() {
        return configure(SnsClient.builder()).build();
    }

    public StsClient sts() {
        return configure(StsClient.builder()).build();
    }

    /** Region, credentials, the shared HTTP client, retries and the endpoint override, for any service. */
    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(B builder) {
        builder.region(region)
                .credentialsProvider(credentials)
                .httpClient(http)
                .overrideConfiguration(overrides());
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder;
    }

    private ClientOverrideConfiguration overrides() {
        ClientOverrideConfiguration.Builder overrides = ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(maxAttempts).build());
        if (attemptTimeout != null) {
            overrides.apiCallAttemptTimeout(attemptTimeout);
        }
        if (callTimeout != null) {
            overrides.apiCallTimeout(callTimeout);
        }
        return overrides.build();
    }
}
