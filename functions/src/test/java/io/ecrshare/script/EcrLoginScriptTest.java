package io.ecrshare.script;

import static io.ecrshare.script.ScriptSandbox.env;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * End-to-end test of scripts/ecr-login.sh: the real script and the real curl against a loopback
 * token endpoint that verifies SigV4 signatures with the AWS SDK, a fake IMDSv2 and a fake docker.
 */
class EcrLoginScriptTest {

    private static final String REGISTRY = "123456789012";
    private static final String REGION = "us-east-1";
    private static final String REGISTRY_SERVER = "https://123456789012.dkr.ecr.us-east-1.amazonaws.com";

    private static final String ACCESS_KEY_ID = "AKIDEXAMPLE";
    private static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String ROLE_ACCESS_KEY_ID = "ASIAEXAMPLEROLEKEY01";
    private static final String ROLE_SECRET_ACCESS_KEY = "roleSecret/Key+EXAMPLE0123456789abcdefghij";
    private static final String ROLE_SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE/session+token==";
    private static final String PASSWORD = "eyJwYXlsb2FkIjoiZmFrZS1lY3ItcGFzc3dvcmQiLCJ2ZXJzaW9uIjoiMiJ9";
    private static final String PROFILE_ACCESS_KEY_ID = "AKIAPROFILEEXAMPLE01";
    private static final String PROFILE_SECRET_ACCESS_KEY = "profileSecret/Key+EXAMPLE0123456789abcd";
    private static final String CONTAINER_ACCESS_KEY_ID = "ASIACONTAINEREXAMPLE";
    private static final String CONTAINER_SECRET_ACCESS_KEY = "containerSecret/Key+EXAMPLE0123456789ab";
    private static final String CONTAINER_SESSION_TOKEN = "IQoJcontainer/session+token==";
    private static final String CONTAINER_AUTHORIZATION = "eks-pod-identity-agent-token.EXAMPLE";

    /** None of these may ever reach the script's output or a curl command line. */
    private static final List<String> SECRETS = List.of(
            SECRET_ACCESS_KEY, ROLE_SECRET_ACCESS_KEY, ROLE_SESSION_TOKEN, PASSWORD, FakeImds.SESSION_TOKEN,
            PROFILE_SECRET_ACCESS_KEY, CONTAINER_SECRET_ACCESS_KEY, CONTAINER_SESSION_TOKEN, CONTAINER_AUTHORIZATION);

    private static final AwsCredentialsIdentity ENV_CREDENTIALS =
            AwsCredentialsIdentity.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY);
    private static final AwsCredentialsIdentity ROLE_CREDENTIALS =
            AwsSessionCredentialsIdentity.create(ROLE_ACCESS_KEY_ID, ROLE_SECRET_ACCESS_KEY, ROLE_SESSION_TOKEN);
    private static final AwsCredentialsIdentity PROFILE_CREDENTIALS =
            AwsCredentialsIdentity.create(PROFILE_ACCESS_KEY_ID, PROFILE_SECRET_ACCESS_KEY);
    private static final AwsCredentialsIdentity CONTAINER_CREDENTIALS = AwsSessionCredentialsIdentity.create(
            CONTAINER_ACCESS_KEY_ID, CONTAINER_SECRET_ACCESS_KEY, CONTAINER_SESSION_TOKEN);

    @TempDir
    Path tempDir;

    private ScriptSandbox sandbox;
    private String closedPortUrl;

    @BeforeEach
    void setUp() throws IOException {
        sandbox = new ScriptSandbox(tempDir);
        closedPortUrl = ScriptSandbox.closedPortUrl();
    }

    @Test
    void logsInWithEnvironmentCredentials() throws Exception {
        assertLoginWithEnvironmentCredentials("/bin/sh");
    }

    @Test
    void logsInWithEnvironmentCredentialsUnderDash() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/dash")), "/bin/dash is not installed");
        assertLoginWithEnvironmentCredentials("/bin/dash");
    }

    private void assertLoginWithEnvironmentCredentials(String shell) throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            ScriptSandbox.Run run = runScript(shell, envCredentials(), endpoint);

            assertEquals(0, run.exitCode(), run.stderr());
            FakeTokenEndpoint.RecordedRequest request = singleRequest(endpoint);
            assertAll(
                    () -> assertTrue(request.signatureValid(), () -> request.rejectionReason().orElseThrow()),
                    () -> assertEquals("GET", request.method()),
                    () -> assertEquals("/prod/token", request.path()),
                    () -> assertEquals("format=json&registryIds=" + REGISTRY, request.rawQuery()),
                    () -> assertEquals(null, request.header("x-amz-security-token")));
            assertDockerLoggedIn(REGISTRY_SERVER);
        }
    }

    @Test
    void logsInWithInstanceRoleCredentialsFromImdsV2() throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ROLE_CREDENTIALS);
             FakeImds imds = new FakeImds(ROLE_ACCESS_KEY_ID, ROLE_SECRET_ACCESS_KEY, ROLE_SESSION_TOKEN)) {
            ScriptSandbox.Run run = runScript("/bin/sh",
                    env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.baseUrl()), endpoint);

            assertEquals(0, run.exitCode(), run.stderr());
            FakeTokenEndpoint.RecordedRequest request = singleRequest(endpoint);
            assertTrue(request.signatureValid(), () -> request.rejectionReason().orElseThrow());
            assertEquals(ROLE_SESSION_TOKEN, request.header("x-amz-security-token"));
            assertTrue(request.header("authorization").contains("x-amz-security-token"),
                    "the session token must be signed: " + request.header("authorization"));

            List<FakeImds.RecordedRequest> imdsRequests = imds.requests();
            assertEquals(List.of(
                            "PUT /latest/api/token",
                            "GET /latest/meta-data/iam/security-credentials/",
                            "GET /latest/meta-data/iam/security-credentials/" + FakeImds.ROLE),
                    imdsRequests.stream().map(FakeImds.RecordedRequest::requestLine).toList());
            assertTrue(imdsRequests.stream().skip(1).allMatch(FakeImds.RecordedRequest::hadSessionToken),
                    "every IMDS GET must carry the IMDSv2 token");
            assertDockerLoggedIn(REGISTRY_SERVER);
        }
    }

    @Test
    void failsWithoutCredentialsWhenImdsIsUnreachable() throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            ScriptSandbox.Run run = runScript("/bin/sh", Map.of(), endpoint);

            assertEquals(6, run.exitCode(), run.stderr());
            assertTrue(run.stderr().contains("no AWS credentials found"), run.stderr());
            assertTrue(run.stderr().contains("AWS_ACCESS_KEY_ID"), run.stderr());
            assertTrue(run.stderr().contains("instance role"), run.stderr());
            assertTrue(endpoint.requests().isEmpty());
            assertTrue(sandbox.dockerArgv().isEmpty(), "docker must not be called");
        }
    }

    @Test
    void failsWhenCurlIsNotOnPath() throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            Map<String, String> env = envCredentials();
            env.put("PATH", sandbox.pathWithoutCurl());
            ScriptSandbox.Run run = runScript("/bin/sh", env, endpoint);

            assertEquals(3, run.exitCode(), run.stderr());
            assertTrue(run.stderr().startsWith("ecr-login: curl not found on PATH"), run.stderr());
            assertTrue(endpoint.requests().isEmpty());
            assertTrue(sandbox.dockerArgv().isEmpty(), "docker must not be called");
        }
    }

    static Stream<Arguments> endpointErrors() {
        return Stream.of(
                Arguments.of(400, "Bad Request", "INVALID_REGISTRY_IDS",
                        "registryIds must be 12-digit account ids, got \\\"abc\\\"",
                        "registryIds must be 12-digit account ids, got \"abc\"", 10),
                Arguments.of(403, "Forbidden", "NOT_A_CONSUMER",
                        "caller account 999999999999 is not a configured consumer",
                        "caller account 999999999999 is not a configured consumer", 11),
                Arguments.of(404, "Not Found", "REGISTRY_NOT_SERVED",
                        "registry 123456789012 is not served by this endpoint",
                        "registry 123456789012 is not served by this endpoint", 12));
    }

    /** 400, 403 and 404 are permanent: one request, at once, with the default --max-wait of 300 s. */
    @ParameterizedTest(name = "HTTP {0}")
    @MethodSource("endpointErrors")
    void reportsPermanentTokenEndpointErrorsAtOnceWithoutRetrying(int status, String reason, String errorCode,
                                                                  String jsonMessage, String printedMessage,
                                                                  int exitCode) throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            endpoint.respondWith(status, """
                    {"error":"%s","message":"%s","requestId":"req-%d"}""".formatted(errorCode, jsonMessage, status));
            ScriptSandbox.Run run = runScript("/bin/sh", envCredentials(), endpoint);

            assertEquals(exitCode, run.exitCode(), run.stderr());
            assertEquals("ecr-login: %d %s from token endpoint: %s (error %s, request id req-%d)\n"
                    .formatted(status, reason, printedMessage, errorCode, status), run.stderr());
            assertTrue(singleRequest(endpoint).signatureValid());
            assertTrue(sandbox.dockerArgv().isEmpty(), "docker must not be called");
        }
    }

    static Stream<Arguments> retryableErrors() {
        return Stream.of(
                Arguments.of(429, "Too Many Requests", "Throttled", "STS is throttling token requests; retry later", 13),
                Arguments.of(502, "Bad Gateway", "UpstreamFailure", "ECR could not issue a token (X); retry later", 14),
                Arguments.of(503, "Service Unavailable", "ServiceUnavailable", "try again", 15));
    }

    /** With --max-wait 0 a retryable error is reported after the one attempt, with its own exit code. */
    @ParameterizedTest(name = "HTTP {0}")
    @MethodSource("retryableErrors")
    void reportsRetryableErrorsWhenMaxWaitIsOver(int status, String reason, String errorCode, String message,
                                                 int exitCode) throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            endpoint.respondWith(status, """
                    {"error":"%s","message":"%s","requestId":"req-%d"}""".formatted(errorCode, message, status));
            ScriptSandbox.Run run = runScript("/bin/sh", envCredentials(), endpoint, "--max-wait", "0");

            assertEquals(exitCode, run.exitCode(), run.stderr());
            assertEquals("ecr-login: %d %s from token endpoint: %s (error %s, request id req-%d) (gave up after 0 s, 1 attempts)\n"
                    .formatted(status, reason, message, errorCode, status), run.stderr());
            assertTrue(singleRequest(endpoint).signatureValid());
        }
    }

    @Test
    void retriesThrottlingServerErrorsAndHonoursRetryAfterThenLogsIn() throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            endpoint.queue(
                    new FakeTokenEndpoint.Response(429, "application/json", "{\"message\":\"Too Many Requests\"}"),
                    new FakeTokenEndpoint.Response(503, "application/json", "{\"message\":\"Service Unavailable\"}"),
                    new FakeTokenEndpoint.Response(429, "application/json",
                            "{\"error\":\"Throttled\",\"message\":\"ECR is throttling token requests; retry later\"}",
                            Map.of("Retry-After", "1")));
            ScriptSandbox.Run run = runScript("/bin/sh", fastBackoff(envCredentials()), endpoint);

            assertEquals(0, run.exitCode(), run.stderr());
            List<String> lines = run.stderr().lines().toList();
            assertEquals(3, lines.size(), run.stderr());
            assertTrue(lines.get(0).matches("ecr-login: 429 Too Many Requests from token endpoint: Too Many Requests;"
                    + " retry 1 in 0\\.[0-9] s"), lines.get(0));
            assertTrue(lines.get(1).startsWith("ecr-login: 503 Service Unavailable from token endpoint"), lines.get(1));
            assertTrue(lines.get(2).matches(".*; retry 3 in 1\\.[0-4] s"), "Retry-After: 1 plus jitter: " + lines.get(2));
            assertEquals(4, endpoint.requests().size());
            assertTrue(endpoint.requests().stream().allMatch(FakeTokenEndpoint.RecordedRequest::signatureValid));
            assertDockerLoggedIn(REGISTRY_SERVER);
        }
    }

    @Test
    void givesUpWithTheLastErrorAfterMaxWait() throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            endpoint.respondWith(429, "{\"message\":\"Too Many Requests\"}");
            long started = System.nanoTime();
            ScriptSandbox.Run run = runScript("/bin/sh", fastBackoff(envCredentials()), endpoint, "--max-wait", "2");
            double seconds = (System.nanoTime() - started) / 1e9;

            assertEquals(13, run.exitCode(), run.stderr());
            String last = run.stderr().lines().reduce((a, b) -> b).orElseThrow();
            assertTrue(last.matches("ecr-login: 429 Too Many Requests from token endpoint: Too Many Requests"
                    + " \\(gave up after 2 s, \\d+ attempts\\)"), last);
            assertTrue(endpoint.requests().size() >= 3, "retried: " + endpoint.requests().size());
            assertTrue(seconds < 10, "stopped near --max-wait: " + seconds);
        }
    }

    // ---- curl without --aws-sigv4: the script's own SigV4, checked by the SDK's signer

    @Test
    void signsItselfUnderDashWhenCurlIs768AndRejectsAwsSigv4() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/dash")), "/bin/dash is not installed");
        sandbox.useOldCurl();
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            ScriptSandbox.Run run = runScript("/bin/dash", envCredentials(), endpoint);

            assertEquals(0, run.exitCode(), run.stderr());
            FakeTokenEndpoint.RecordedRequest request = singleRequest(endpoint);
            assertTrue(request.signatureValid(), () -> request.rejectionReason().orElseThrow());
            assertEquals("format=json&registryIds=" + REGISTRY, request.rawQuery());
            assertFalse(sandbox.curlCommandLines().contains("--aws-sigv4"), sandbox.curlCommandLines());
            assertDockerLoggedIn(REGISTRY_SERVER);
        }
    }

    @Test
    void signsSessionCredentialsItselfWithOpensslWhenSha256sumIsMissing() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/dash")), "/bin/dash is not installed");
        sandbox.useOldCurl().withoutTool("sha256sum");
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ROLE_CREDENTIALS);
             FakeImds imds = new FakeImds(ROLE_ACCESS_KEY_ID, ROLE_SECRET_ACCESS_KEY, ROLE_SESSION_TOKEN)) {
            ScriptSandbox.Run run = runScript("/bin/dash",
                    env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.baseUrl()), endpoint);

            assertEquals(0, run.exitCode(), run.stderr());
            FakeTokenEndpoint.RecordedRequest request = singleRequest(endpoint);
            assertTrue(request.signatureValid(), () -> request.rejectionReason().orElseThrow());
            assertTrue(request.header("authorization").contains("x-amz-security-token"), request.header("authorization"));
            assertTrue(sandbox.toolCommandLines().contains("openssl\ndgst\n-sha256\n"), "hashed with openssl");
            assertFalse(sandbox.toolCommandLines().contains("sha256sum"));
            assertDockerLoggedIn(REGISTRY_SERVER);
        }
    }

    @Test
    void fallsBackToItsOwnSignatureWhenACurlThatClaims788RejectsAwsSigv4() throws Exception {
        sandbox.useCurlWithoutSigv4("7.88.1");
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            ScriptSandbox.Run run = runScript("/bin/sh", envCredentials(), endpoint);

            assertEquals(0, run.exitCode(), run.stderr());
            assertTrue(sandbox.curlCommandLines().contains("--aws-sigv4"), "tried curl's signer first");
            FakeTokenEndpoint.RecordedRequest request = singleRequest(endpoint);
            assertTrue(request.signatureValid(), () -> request.rejectionReason().orElseThrow());
            assertDockerLoggedIn(REGISTRY_SERVER);
        }
    }

    @Test
    void aSignatureMadeWithTheWrongSecretIsRejectedAlsoOnTheShellPath() throws Exception {
        sandbox.useOldCurl();
        try (FakeTokenEndpoint endpoint = tokenEndpoint(AwsCredentialsIdentity.create(ACCESS_KEY_ID, "other-secret"))) {
            ScriptSandbox.Run run = runScript("/bin/sh", envCredentials(), endpoint);

            assertEquals(11, run.exitCode(), run.stderr());
            assertFalse(singleRequest(endpoint).signatureValid());
        }
    }

    // ---- credential sources, in the SDKs' order

    @Test
    void usesStaticKeysOfTheProfileInTheSharedCredentialsFile() throws Exception {
        Path credentials = tempDir.resolve("credentials");
        Files.writeString(credentials, """
                [default]
                aws_access_key_id = AKIADEFAULTPROFILE01
                aws_secret_access_key = not-this-one

                [ci]
                aws_access_key_id = %s
                aws_secret_access_key = %s
                """.formatted(PROFILE_ACCESS_KEY_ID, PROFILE_SECRET_ACCESS_KEY));
        try (FakeTokenEndpoint endpoint = tokenEndpoint(PROFILE_CREDENTIALS)) {
            ScriptSandbox.Run run = runScript("/bin/sh",
                    env("AWS_SHARED_CREDENTIALS_FILE", credentials.toString(), "AWS_PROFILE", "ci"), endpoint);

            assertEquals(0, run.exitCode(), run.stderr());
            assertTrue(singleRequest(endpoint).signatureValid(), () -> singleRequest(endpoint).rejectionReason().orElseThrow());
            assertDockerLoggedIn(REGISTRY_SERVER);
        }
    }

    @Test
    void usesStaticKeysOfTheDefaultProfileInTheConfigFile() throws Exception {
        Path home = sandbox.home();
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(home.resolve(".aws/config"), """
                [default]
                region = us-east-1
                aws_access_key_id=%s
                aws_secret_access_key=%s
                """.formatted(PROFILE_ACCESS_KEY_ID, PROFILE_SECRET_ACCESS_KEY));
        try (FakeTokenEndpoint endpoint = tokenEndpoint(PROFILE_CREDENTIALS)) {
            ScriptSandbox.Run run = runScript("/bin/sh", Map.of(), endpoint);

            assertEquals(0, run.exitCode(), run.stderr());
            assertTrue(singleRequest(endpoint).signatureValid());
        }
    }

    @Test
    void aDefaultProfileWithOnlyARegionFallsThroughToTheInstanceRole() throws Exception {
        Path home = sandbox.home();
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(home.resolve(".aws/config"), "[default]\nregion = us-east-1\n");
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ROLE_CREDENTIALS);
             FakeImds imds = new FakeImds(ROLE_ACCESS_KEY_ID, ROLE_SECRET_ACCESS_KEY, ROLE_SESSION_TOKEN)) {
            ScriptSandbox.Run run = runScript("/bin/sh", env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.baseUrl()), endpoint);

            assertEquals(0, run.exitCode(), run.stderr());
            assertTrue(singleRequest(endpoint).signatureValid());
        }
    }

    @Test
    void environmentCredentialsComeBeforeTheProfile() throws Exception {
        Path credentials = tempDir.resolve("credentials");
        Files.writeString(credentials, "[default]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = other\n");
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            Map<String, String> env = envCredentials();
            env.put("AWS_SHARED_CREDENTIALS_FILE", credentials.toString());
            ScriptSandbox.Run run = runScript("/bin/sh", env, endpoint);

            assertEquals(0, run.exitCode(), run.stderr());
            assertTrue(singleRequest(endpoint).signatureValid());
        }
    }

    static Stream<Arguments> unusableProfiles() {
        return Stream.of(
                Arguments.of("[profile app]\nrole_arn = arn:aws:iam::111111111111:role/app\nsource_profile = base\n", "role_arn"),
                Arguments.of("[profile app]\ncredential_process = /usr/local/bin/get-creds\n", "credential_process"),
                Arguments.of("[profile app]\nsso_session = corp\nsso_account_id = 111111111111\n", "sso_session"),
                Arguments.of("[profile app]\nweb_identity_token_file = /var/run/token\nrole_arn = x\n", "role_arn"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("unusableProfiles")
    void aProfileThatNeedsAnAwsCallIsAClearError(String config, String kind) throws Exception {
        Path configFile = tempDir.resolve("config");
        Files.writeString(configFile, config);
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            ScriptSandbox.Run run = runScript("/bin/sh",
                    env("AWS_CONFIG_FILE", configFile.toString(), "AWS_PROFILE", "app"), endpoint);

            assertEquals(6, run.exitCode(), run.stderr());
            assertTrue(run.stderr().startsWith("ecr-login: profile app uses " + kind
                    + ", which ecr-login.sh cannot use (it reads static keys only);"), run.stderr());
            assertTrue(run.stderr().contains("aws configure export-credentials --profile app"), run.stderr());
            assertTrue(endpoint.requests().isEmpty());
        }
    }

    @Test
    void aMissingNamedProfileIsAClearError() throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            ScriptSandbox.Run run = runScript("/bin/sh", env("AWS_PROFILE", "nope"), endpoint);

            assertEquals(6, run.exitCode(), run.stderr());
            assertTrue(run.stderr().startsWith("ecr-login: AWS_PROFILE=nope, but neither "), run.stderr());
        }
    }

    @Test
    void usesContainerCredentialsWithTheAuthorizationTokenFromItsFile() throws Exception {
        Path tokenFile = tempDir.resolve("eks-pod-identity-token");
        Files.writeString(tokenFile, CONTAINER_AUTHORIZATION);
        try (FakeTokenEndpoint endpoint = tokenEndpoint(CONTAINER_CREDENTIALS);
             FakeContainerCredentials container = new FakeContainerCredentials(CONTAINER_ACCESS_KEY_ID,
                     CONTAINER_SECRET_ACCESS_KEY, CONTAINER_SESSION_TOKEN, CONTAINER_AUTHORIZATION);
             FakeImds imds = new FakeImds(ROLE_ACCESS_KEY_ID, ROLE_SECRET_ACCESS_KEY, ROLE_SESSION_TOKEN)) {
            ScriptSandbox.Run run = runScript("/bin/sh", env(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI", container.fullUri(),
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile.toString(),
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored-when-the-file-is-set",
                    "AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.baseUrl()), endpoint);

            assertEquals(0, run.exitCode(), run.stderr());
            assertEquals(List.of(CONTAINER_AUTHORIZATION), container.receivedAuthorizations());
            FakeTokenEndpoint.RecordedRequest request = singleRequest(endpoint);
            assertTrue(request.signatureValid(), () -> request.rejectionReason().orElseThrow());
            assertEquals(CONTAINER_SESSION_TOKEN, request.header("x-amz-security-token"));
            assertTrue(imds.requests().isEmpty(), "container credentials come before IMDS");
        }
    }

    @Test
    void usesContainerCredentialsWithTheAuthorizationTokenFromTheEnvironment() throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(CONTAINER_CREDENTIALS);
             FakeContainerCredentials container = new FakeContainerCredentials(CONTAINER_ACCESS_KEY_ID,
                     CONTAINER_SECRET_ACCESS_KEY, CONTAINER_SESSION_TOKEN, CONTAINER_AUTHORIZATION)) {
            ScriptSandbox.Run run = runScript("/bin/sh", env(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI", container.fullUri(),
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN", CONTAINER_AUTHORIZATION), endpoint);

            assertEquals(0, run.exitCode(), run.stderr());
            assertTrue(singleRequest(endpoint).signatureValid());
        }
    }

    @Test
    void theRelativeUriGoesToTheEcsAgentAddress() throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            ScriptSandbox.Run run = runScript("/bin/sh",
                    env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"), endpoint, "--max-wait", "0");

            assertEquals(6, run.exitCode(), run.stderr());
            assertTrue(run.stderr().startsWith(
                    "ecr-login: no container credentials from http://169.254.170.2/v2/credentials/abc"), run.stderr());
            assertTrue(sandbox.curlCommandLines().contains("http://169.254.170.2/v2/credentials/abc"));
        }
    }

    @Test
    void aFullUriToAnotherHostOverPlainHttpIsRefusedAsTheSdksDo() throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            ScriptSandbox.Run run = runScript("/bin/sh",
                    env("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds"), endpoint);

            assertEquals(6, run.exitCode(), run.stderr());
            assertTrue(run.stderr().contains("must be https:// or a loopback or ECS/EKS agent address"), run.stderr());
        }
    }

    @Test
    void waitsForAnInstanceRoleThatIsNotReadyYet() throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ROLE_CREDENTIALS);
             FakeImds imds = new FakeImds(ROLE_ACCESS_KEY_ID, ROLE_SECRET_ACCESS_KEY, ROLE_SESSION_TOKEN).notReadyFor(2)) {
            ScriptSandbox.Run run = runScript("/bin/sh",
                    fastBackoff(env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.baseUrl())), endpoint);

            assertEquals(0, run.exitCode(), run.stderr());
            assertEquals(2, run.stderr().lines().filter(l -> l.startsWith(
                    "ecr-login: no instance role attached yet (IMDS " + imds.baseUrl() + "); retry ")).count(), run.stderr());
            assertTrue(singleRequest(endpoint).signatureValid());
            assertDockerLoggedIn(REGISTRY_SERVER);
        }
    }

    // ---- output modes

    /**
     * The recipe written for `aws ecr get-authorization-token`, with that call swapped for
     * ecr-login.sh --print-json, reads the password the real handler minted.
     */
    @Test
    void theClassicJqRecipeReadsThePasswordFromTheRealHandlersAnswer() throws Exception {
        assertTrue(ScriptSandbox.findHostExecutable("jq").isPresent(), "jq is required (.ci/run installs it)");
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS);
             RealTokenBackend backend = new RealTokenBackend(java.time.Clock.systemUTC(), "111111111111",
                     "arn:aws:sts::111111111111:assumed-role/ci-builder/ci-runner-7")) {
            endpoint.answerWith(backend);
            String login = "'" + sandbox.script("ecr-login.sh") + "' --print-json --endpoint " + endpoint.endpointUrl()
                    + " --registry " + REGISTRY + " --region " + REGION;
            ScriptSandbox.Run run = sandbox.exec(List.of("/bin/sh", "-c", "set -e; json=$(" + login + "); "
                    + "printf '%s' \"$json\" | jq -r '.authorizationData[0].authorizationToken' | base64 -d"
                    + " | awk -F: '{print $2}'; "
                    + "printf '%s' \"$json\" | jq -r '.authorizationData[0].proxyEndpoint'"),
                    withClosedImds(envCredentials()), "");

            assertEquals(0, run.exitCode(), run.stderr());
            List<String> minted = backend.upstream().passwords();
            assertEquals(1, minted.size());
            assertEquals(minted.get(0) + "\nhttps://123456789012.dkr.ecr.us-east-1.amazonaws.com\n", run.stdout());
            assertTrue(singleRequest(endpoint).signatureValid());
        }
    }

    @Test
    void printExpiryPrintsWhenThePasswordExpiresAfterLoggingIn() throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            endpoint.queue(FakeTokenEndpoint.tokenResponse(PASSWORD, java.time.Instant.parse("2026-12-01T18:30:00Z")));
            ScriptSandbox.Run run = runScript("/bin/sh", envCredentials(), endpoint, "--print-expiry");

            assertEquals(0, run.exitCode(), run.stderr());
            assertEquals("2026-12-01T18:30:00Z\n", run.stdout());
            assertDockerLoggedIn(REGISTRY_SERVER);
        }
    }

    @Test
    void printJsonPrintsTheEndpointsAnswerWithoutDocker() throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            Map<String, String> env = envCredentials();
            env.put("PATH", sandbox.path().replaceFirst("^[^:]*:", ""));
            ScriptSandbox.Run run = sandbox.run("/bin/sh", withClosedImds(env), List.of("--endpoint",
                    endpoint.endpointUrl(), "--registry", REGISTRY, "--region", REGION, "--print-json"));

            assertEquals(0, run.exitCode(), run.stderr());
            assertTrue(run.stdout().startsWith("{\"authorizationData\":[{"), run.stdout());
            assertTrue(run.stdout().contains("\"password\":\"" + PASSWORD + "\""), run.stdout());
            assertTrue(sandbox.dockerArgv().isEmpty());
        }
    }

    @Test
    void retriesConnectionFailuresThenReportsTheEndpointUnreachable() throws Exception {
        Map<String, String> env = fastBackoff(envCredentials());
        ScriptSandbox.Run run = sandbox.run("/bin/sh", withClosedImds(env), List.of("--endpoint", closedPortUrl + "/prod",
                "--registry", REGISTRY, "--region", REGION, "--max-wait", "1"));

        assertEquals(7, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("; retry 1 in "), run.stderr());
        assertTrue(run.stderr().lines().reduce((a, b) -> b).orElseThrow()
                .matches("ecr-login: cannot reach token endpoint .*\\(gave up after 1 s, \\d+ attempts\\)"), run.stderr());
    }

    @Test
    void reportsApiGatewaySignatureRejection() throws Exception {
        AwsCredentialsIdentity otherSecret = AwsCredentialsIdentity.create(ACCESS_KEY_ID, "a-different-secret-key");
        try (FakeTokenEndpoint endpoint = tokenEndpoint(otherSecret)) {
            ScriptSandbox.Run run = runScript("/bin/sh", envCredentials(), endpoint);

            assertEquals(11, run.exitCode(), run.stderr());
            assertTrue(run.stderr().startsWith("ecr-login: 403 Forbidden from token endpoint: "
                    + "The request signature we calculated does not match"), run.stderr());
            assertFalse(singleRequest(endpoint).signatureValid());
            assertTrue(sandbox.dockerArgv().isEmpty(), "docker must not be called");
        }
    }

    @Test
    void reportsApiGatewayIamDenial() throws Exception {
        String denial = "User: arn:aws:sts::999999999999:assumed-role/app/i-0abc is not authorized to perform:"
                + " execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:111122223333:abc123/prod/GET/token";
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            endpoint.respondWith(403, "{\"Message\":\"" + denial + "\"}");
            ScriptSandbox.Run run = runScript("/bin/sh", envCredentials(), endpoint);

            assertEquals(11, run.exitCode(), run.stderr());
            assertEquals("ecr-login: 403 Forbidden from token endpoint: " + denial + "\n", run.stderr());
            assertTrue(sandbox.dockerArgv().isEmpty(), "docker must not be called");
        }
    }

    @Test
    void failsOnEmptyPassword() throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            endpoint.respondWithPassword("");
            ScriptSandbox.Run run = runScript("/bin/sh", envCredentials(), endpoint);

            assertEquals(16, run.exitCode(), run.stderr());
            assertTrue(run.stderr().contains("empty password"), run.stderr());
            assertTrue(sandbox.dockerArgv().isEmpty(), "docker must not be called");
        }
    }

    @Test
    void failsWhenDockerLoginFails() throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            Map<String, String> env = envCredentials();
            env.put("FAKE_DOCKER_EXIT", "1");
            ScriptSandbox.Run run = runScript("/bin/sh", env, endpoint);

            assertEquals(17, run.exitCode(), run.stderr());
            assertTrue(run.stderr().endsWith(
                    "ecr-login: docker login to 123456789012.dkr.ecr.us-east-1.amazonaws.com failed (docker exit 1)\n"),
                    run.stderr());
            assertEquals(PASSWORD, sandbox.dockerStdin());
        }
    }

    @Test
    void registryRegionSelectsTheDockerServer() throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            ScriptSandbox.Run run = runScript("/bin/sh", envCredentials(), endpoint, "--registry-region", "eu-west-1");

            assertEquals(0, run.exitCode(), run.stderr());
            assertTrue(singleRequest(endpoint).signatureValid(), "signing stays in the API's region");
            assertDockerLoggedIn("https://123456789012.dkr.ecr.eu-west-1.amazonaws.com");
        }
    }

    @Test
    void registryHostOverrideSelectsTheDockerServer() throws Exception {
        try (FakeTokenEndpoint endpoint = tokenEndpoint(ENV_CREDENTIALS)) {
            Map<String, String> env = envCredentials();
            env.put("ECR_SHARE_REGISTRY_HOST", "registry.example.internal:5000");
            ScriptSandbox.Run run = runScript("/bin/sh", env, endpoint);

            assertEquals(0, run.exitCode(), run.stderr());
            assertDockerLoggedIn("https://registry.example.internal:5000");
        }
    }

    /** Short real backoffs (the documented tuning variables) so retry tests take a second, not minutes. */
    private static Map<String, String> fastBackoff(Map<String, String> env) {
        env.put("ECR_SHARE_BACKOFF_BASE_MS", "100");
        env.put("ECR_SHARE_BACKOFF_CAP_MS", "400");
        return env;
    }

    private Map<String, String> withClosedImds(Map<String, String> env) {
        Map<String, String> environment = env("AWS_EC2_METADATA_SERVICE_ENDPOINT", closedPortUrl);
        environment.putAll(env);
        return environment;
    }

    private FakeTokenEndpoint tokenEndpoint(AwsCredentialsIdentity acceptedCredentials) throws IOException {
        FakeTokenEndpoint endpoint = new FakeTokenEndpoint(new SigV4Verifier(acceptedCredentials, REGION));
        endpoint.respondWithPassword(PASSWORD);
        return endpoint;
    }

    private Map<String, String> envCredentials() {
        return env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY);
    }

    /**
     * Runs the script against {@code endpoint} with --region (the region cannot be parsed from
     * 127.0.0.1). IMDS points at a closed port unless {@code env} says otherwise, so no case ever
     * reaches a real metadata service. Checks what must hold in every case: no secret in the
     * output or on a curl command line, and no temp files left behind.
     */
    private ScriptSandbox.Run runScript(String shell, Map<String, String> env, FakeTokenEndpoint endpoint,
                                        String... extraArgs) throws Exception {
        Map<String, String> environment = env("AWS_EC2_METADATA_SERVICE_ENDPOINT", closedPortUrl);
        environment.putAll(env);
        List<String> args = new ArrayList<>(List.of(
                "--endpoint", endpoint.endpointUrl(), "--registry", REGISTRY, "--region", REGION));
        args.addAll(List.of(extraArgs));

        ScriptSandbox.Run run = sandbox.run(shell, environment, args);

        String curlCommandLines = sandbox.curlCommandLines();
        String toolCommandLines = sandbox.toolCommandLines();
        for (String secret : SECRETS) {
            assertFalse(toolCommandLines.contains(secret), "secret on a command line: " + toolCommandLines);
            assertFalse(run.stdout().contains(secret), "secret leaked to stdout: " + run.stdout());
            assertFalse(run.stderr().contains(secret), "secret leaked to stderr: " + run.stderr());
            assertFalse(curlCommandLines.contains(secret), "secret on a curl command line: " + curlCommandLines);
        }
        assertEquals(List.of(), sandbox.leftoverTempFiles(), "the script must remove its temp dir");
        return run;
    }

    private static FakeTokenEndpoint.RecordedRequest singleRequest(FakeTokenEndpoint endpoint) {
        List<FakeTokenEndpoint.RecordedRequest> requests = endpoint.requests();
        assertEquals(1, requests.size(), "token endpoint requests: " + requests);
        return requests.get(0);
    }

    private void assertDockerLoggedIn(String server) throws IOException {
        assertEquals(List.of("login", "--username", "AWS", "--password-stdin", server),
                sandbox.dockerArgv().orElseThrow(() -> new AssertionError("docker was not called")));
        assertEquals(PASSWORD, sandbox.dockerStdin());
    }
}
