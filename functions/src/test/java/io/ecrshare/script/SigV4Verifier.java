package io.ecrshare.script;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Checks a received request the way API Gateway does for IAM auth: re-signs it with the SDK's
 * {@link AwsV4HttpSigner} from the known credentials, at the client's own X-Amz-Date, and compares
 * the resulting Authorization header with the one the client sent.
 *
 * <p>Only the headers the client listed in SignedHeaders are copied into the rebuilt request, so
 * unsigned ones (User-Agent, Accept) cannot influence the result. X-Amz-Date,
 * X-Amz-Security-Token and X-Amz-Content-Sha256 are not copied: the SDK derives them from the
 * clock, the identity and the received body, so a wrong date, token or payload hash shows up as a
 * signature mismatch.
 *
 * <p>The SDK signer always signs x-amz-content-sha256. curl 7.88 does not send that header on its
 * own for execute-api (it hashes the empty body into the canonical request without it), which is
 * why ecr-login.sh passes it explicitly; a request without it is rejected here with that reason.
 */
final class SigV4Verifier {

    static final String SERVICE = "execute-api";

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/[^,]+, SignedHeaders=([^,]+), Signature=[0-9a-f]{64}");
    private static final List<String> DERIVED_BY_SIGNER =
            List.of("x-amz-date", "x-amz-security-token", "x-amz-content-sha256");
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Function<String, AwsCredentialsIdentity> credentialsByAccessKey;
    private final String region;

    SigV4Verifier(AwsCredentialsIdentity credentials, String region) {
        this(accessKeyId -> accessKeyId.equals(credentials.accessKeyId()) ? credentials : null, region);
    }

    /** Accepts every access key {@code credentialsByAccessKey} knows (null: unknown key), e.g. one per host of a fleet. */
    SigV4Verifier(Function<String, AwsCredentialsIdentity> credentialsByAccessKey, String region) {
        this.credentialsByAccessKey = credentialsByAccessKey;
        this.region = region;
    }

    /**
     * @param uri the request URI with the raw path and query exactly as received
     * @param headers received headers, keyed by lower-case name
     * @param body the received body, hashed into the signature
     * @return why the request is rejected, or empty if the signature is valid
     */
    Optional<String> rejectionReason(String method, URI uri, Map<String, List<String>> headers, byte[] body) {
        String authorization = first(headers, "authorization");
        if (authorization == null) {
            return Optional.of("Missing Authentication Token");
        }
        Matcher parsed = AUTHORIZATION.matcher(authorization);
        if (!parsed.matches()) {
            return Optional.of("Authorization header is not a SigV4 header: " + authorization);
        }
        AwsCredentialsIdentity credentials = credentialsByAccessKey.apply(parsed.group(1));
        if (credentials == null) {
            return Optional.of("The security token included in the request is invalid.");
        }
        Optional<String> tokenProblem = sessionTokenProblem(credentials, first(headers, "x-amz-security-token"));
        if (tokenProblem.isPresent()) {
            return tokenProblem;
        }
        Instant signingTime;
        try {
            signingTime = Instant.from(AMZ_DATE.parse(String.valueOf(first(headers, "x-amz-date"))));
        } catch (DateTimeParseException e) {
            return Optional.of("missing or malformed X-Amz-Date");
        }

        List<String> signedHeaders = List.of(parsed.group(2).split(";"));
        if (!signedHeaders.contains("x-amz-content-sha256")) {
            return Optional.of("x-amz-content-sha256 is not signed; the SDK signer always signs it");
        }

        SdkHttpFullRequest.Builder rebuilt = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .uri(uri);
        for (String name : signedHeaders) {
            if (DERIVED_BY_SIGNER.contains(name)) {
                continue;
            }
            List<String> values = headers.get(name);
            if (values == null) {
                return Optional.of("signed header " + name + " is missing from the request");
            }
            rebuilt.putHeader(name, values);
        }

        String expected = AwsV4HttpSigner.create()
                .sign(SignRequest.builder(credentials)
                        .request(rebuilt.build())
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signingTime, ZoneOffset.UTC))
                        .build())
                .request()
                .firstMatchingHeader("Authorization")
                .orElseThrow();
        if (!expected.equals(authorization)) {
            return Optional.of("The request signature we calculated does not match the signature you provided."
                    + " Expected: " + expected);
        }
        return Optional.empty();
    }

    private static Optional<String> sessionTokenProblem(AwsCredentialsIdentity credentials, String receivedToken) {
        String expectedToken = credentials instanceof AwsSessionCredentialsIdentity session
                ? session.sessionToken()
                : null;
        if (expectedToken == null && receivedToken != null) {
            return Optional.of("unexpected x-amz-security-token for long-term credentials");
        }
        if (expectedToken != null && !expectedToken.equals(receivedToken)) {
            return Optional.of("The security token included in the request is invalid.");
        }
        return Optional.empty();
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
