package io.ecrshare.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.TlsTrustManagersProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * SnapStart priming's real HTTPS request: one read-only call through the SDK and the URL connection client to
 * the endpoint the function's own clients use (the regional endpoint, or {@code AWS_ENDPOINT_URL}), so the
 * snapshot holds the TLS handshake's classes (about 800 of them) and not only the in-memory request path.
 * Signed with made-up credentials ({@link #ACCESS_KEY}), never the function's: AWS refuses it (403), which
 * is the expected answer, and an operation that only reads could not change anything even if accepted.
 * Best effort with short timeouts (a function without internet access only waits for them at snapshot time).
 * Its HTTP client has its own TLS context (as every URL connection client does), so no TLS session or
 * connection of it is ever reused by the function's clients after a restore.
 */
public final class HttpsPriming {

    /** Not a key of any account: AWS answers 403 (UnrecognizedClientException / InvalidClientTokenId). */
    public static final String ACCESS_KEY = "AKIAECRSHAREPRIMING0";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(2);
    /** No answer at all (no route, timeout, TLS failure). */
    public static final int NO_ANSWER = -1;

    private final Map<String, String> env;
    private final TlsTrustManagersProvider trust;

    /** @param trust null for the JDK's trust store (as the function's clients); tests trust a loopback server */
    public HttpsPriming(Map<String, String> env, TlsTrustManagersProvider trust) {
        this.env = env;
        this.trust = trust;
    }

    /** ECR GetRepositoryPolicy of a made-up repository (the policy functions' first call is an ECR read). */
    public int ecrRead(String repository) {
        return call(clients -> {
            try (EcrClient ecr = clients.ecr()) {
                ecr.getRepositoryPolicy(r -> r.repositoryName(repository));
            }
        });
    }

    /** STS GetCallerIdentity (the token function's first call goes to STS); needs no permission, reads only. */
    public int stsRead() {
        return call(clients -> {
            try (StsClient sts = clients.sts()) {
                sts.getCallerIdentity();
            }
        });
    }

    /** @return the HTTP status of the answer, {@link #NO_ANSWER} when there was none */
    private int call(java.util.function.Consumer<AwsClients> request) {
        Map<String, String> primingEnv = new HashMap<>();
        primingEnv.put("AWS_REGION", env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1")));
        if (env.get("AWS_ENDPOINT_URL") != null) {
            primingEnv.put("AWS_ENDPOINT_URL", env.get("AWS_ENDPOINT_URL"));
        }
        UrlConnectionHttpClient.Builder http = UrlConnectionHttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT).socketTimeout(SOCKET_TIMEOUT);
        if (trust != null) {
            http.tlsTrustManagersProvider(trust);
        }
        try (SdkHttpClient client = http.build()) {
            request.accept(new AwsClients(primingEnv,
                    StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, "ecr-share-priming-not-a-secret")),
                    client, 1));
            return 200;
        } catch (SdkServiceException e) {
            return e.statusCode();
        } catch (SdkClientException e) {
            return NO_ANSWER;
        }
    }
}
