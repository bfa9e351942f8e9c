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
 * An HTTP client that answers STS AssumeRole, ECR GetAuthorizationToken and the policy functions' ECR calls from
 * memory with obviously fake values. SnapStart priming runs the SDK's whole request path through it (marshalling, signing, retries,
 * unmarshalling) before the snapshot, without touching the network or real credentials.
 */
public final class PrimingHttpClient implements SdkHttpClient {

    private final Clock clock;
    private final String tagKey;
    private final String tagValue;

    public PrimingHttpClient(Clock clock) {
        this(clock, "priming", "priming");
    }

    /**
     * Also answers ListTagsForResource with this tag, GetRepositoryPolicy with "no policy", DescribeRepositories
     * with one repository, and policy writes.
     */
    public PrimingHttpClient(Clock clock, String tagKey, String tagValue) {
        this.clock = clock;
        this.tagKey = tagKey;
        this.tagValue = tagValue;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        String target = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse(null);
        boolean ecr = target != null;
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        int status = 200;
        String body;
        if (!ecr) {
            body = stsBody(now);
        } else if (target.endsWith(".ListTagsForResource")) {
            body = "{\"tags\":[{\"Key\":\"" + tagKey + "\",\"Value\":\"" + tagValue + "\"}]}";
        } else if (target.endsWith(".GetRepositoryPolicy")) {
            status = 400;
            body = "{\"__type\":\"RepositoryPolicyNotFoundException\",\"message\":\"priming: no policy\"}";
        } else if (target.endsWith(".DescribeRepositories")) {
            body = "{\"repositories\":[{\"registryId\":\"000000000000\",\"repositoryName\":\"ecr-share-priming\","
                    + "\"repositoryArn\":\"arn:aws:ecr:priming:000000000000:repository/ecr-share-priming\"}]}";
        } else if (target.endsWith(".SetRepositoryPolicy") || target.endsWith(".DeleteRepositoryPolicy")) {
            body = "{\"registryId\":\"000000000000\",\"repositoryName\":\"priming\"}";
        } else {
            body = ecrBody(now);
        }
        String contentType = ecr ? "application/x-amz-json-1.1" : "text/xml";
        int statusCode = status;
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                return HttpExecuteResponse.builder()
                        .response(SdkHttpResponse.builder().statusCode(statusCode)
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
