package io.ecrshare.aws;

import io.ecrshare.minting.TokenMinter;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.GetAuthorizationTokenRequest;
import software.amazon.awssdk.services.ecr.model.GetAuthorizationTokenResponse;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Mints a token as the caller's own session of the token role: STS AssumeRole with the caller's session
 * name, then ECR GetAuthorizationToken with that session's credentials, passed per request to the one
 * shared ECR client. The session credentials live only for the duration of this call.
 */
public final class StsEcrTokenMinter implements TokenMinter {

    /** The function's own credentials are a role session, so this is role chaining: at most one hour. */
    static final int SESSION_SECONDS = 3600;

    private final StsClient sts;
    private final EcrClient ecr;
    private final String roleArn;

    public StsEcrTokenMinter(StsClient sts, EcrClient ecr, String roleArn) {
        this.sts = sts;
        this.ecr = ecr;
        this.roleArn = roleArn;
    }

    @Override
    public MintedToken mint(String sessionName) {
        Credentials session;
        try {
            session = sts.assumeRole(r -> r.roleArn(roleArn).roleSessionName(sessionName).durationSeconds(SESSION_SECONDS))
                    .credentials();
        } catch (SdkException e) {
            throw failure("STS", e);
        }
        StaticCredentialsProvider sessionCredentials = StaticCredentialsProvider.create(AwsSessionCredentials.builder()
                .accessKeyId(session.accessKeyId())
                .secretAccessKey(session.secretAccessKey())
                .sessionToken(session.sessionToken())
                .expirationTime(session.expiration())
                .build());
        GetAuthorizationTokenResponse response;
        try {
            response = ecr.getAuthorizationToken(GetAuthorizationTokenRequest.builder()
                    .overrideConfiguration(o -> o.credentialsProvider(sessionCredentials))
                    .build());
        } catch (SdkException e) {
            throw failure("ECR", e);
        }
        if (response.authorizationData().isEmpty()) {
            throw new UpstreamFailure("ECR", "NoAuthorizationData", false, "GetAuthorizationToken returned no authorization data");
        }
        AuthorizationData data = response.authorizationData().get(0);
        String decoded = new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon < 0 || data.expiresAt() == null) {
            throw new UpstreamFailure("ECR", "MalformedToken", false, "GetAuthorizationToken returned an unexpected token format");
        }
        return new MintedToken(data.proxyEndpoint(), decoded.substring(colon + 1), data.expiresAt(), session.expiration());
    }

    /** Throttling (by error code or the SDK's own detection, after its retries) is retryable for the caller. */
    static UpstreamFailure failure(String service, SdkException e) {
        if (e instanceof AwsServiceException service4xx5xx) {
            AwsErrorDetails details = service4xx5xx.awsErrorDetails();
            String code = details == null || details.errorCode() == null ? "HTTP" + service4xx5xx.statusCode() : details.errorCode();
            boolean throttled = service4xx5xx.isThrottlingException() || service4xx5xx.statusCode() == 429
                    || code.equals("ThrottlingException") || code.equals("Throttling");
            String message = details == null ? null : details.errorMessage();
            return new UpstreamFailure(service, code, throttled, message);
        }
        return new UpstreamFailure(service, e.getClass().getSimpleName(), false, e.getMessage());
    }
}
