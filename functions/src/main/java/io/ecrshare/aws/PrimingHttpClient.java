package io.ecrshare.aws;

import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * An HTTP client that answers STS AssumeRole and ECR GetAuthorizationToken from memory with obviously fake
 * values. SnapStart priming runs the SDK's whole request path through it (marshalling, signing, retries,
 * unmarshalling) before the snapshot, without touching the network or real credentials.
 */
public final class PrimingHttpClient implements SdkHttpClient {

    private final Clock clock;

    public PrimingHttpClient(Clock clock) {
        this.clock = clock;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        boolean ecr = request.httpRequest().firstMatchingHeader("X-Amz-Target").isPresent();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String body = ecr ? ecrBody(now) : stsBody(now);
        String contentType = ecr ? "application/x-amz-json-1.1" : "text/xml";
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                return HttpExecuteResponse.builder()
                        .response(SdkHttpResponse.builder().statusCode(200)
                                .putHeader("Content-Type", contentType)
                                .putHeader("Content-Length", String.valueOf(bytes.length))
                                .putHeader("x-amzn-RequestId", "priming").build())
                        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes)))
                        .build();
            }

            @Override
            public void abort() {
            }
        };
    }

    private static String ecrBody(Instant now) {
        String token = Base64.getEncoder().encodeToString("AWS:priming-not-a-password".getBytes(StandardCharsets.UTF_8));
        return "{\"authorizationData\":[{\"authorizationToken\":\"" + token + "\",\"expiresAt\":"
                + now.plus(Duration.ofHours(12)).getEpochSecond() + ",\"proxyEndpoint\":\"https://000000000000.dkr.ecr.priming.amazonaws.com\"}]}";
    }

    private static String stsBody(Instant now) {
        return "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials>"
                + "<AccessKeyId>PRIMING</AccessKeyId><SecretAccessKey>priming</SecretAccessKey><SessionToken>priming</SessionToken>"
                + "<Expiration>" + now.plus(Duration.ofHours(1)) + "</Expiration></Credentials>"
                + "<AssumedRoleUser><AssumedRoleId>AROAPRIMING:priming</AssumedRoleId>"
                + "<Arn>arn:aws:sts::000000000000:assumed-role/priming/priming</Arn></AssumedRoleUser>"
                + "</AssumeRoleResult><ResponseMetadata><RequestId>priming</RequestId></ResponseMetadata></AssumeRoleResponse>";
    }

    @Override
    public String clientName() {
        return "priming";
    }

    @Override
    public void close() {
    }
}
