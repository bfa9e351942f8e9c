package io.ecrshare.script;

import static io.ecrshare.script.ScriptSandbox.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * scripts/docker-credential-ecr-share under dash, through the real ecr-login.sh and curl against
 * the SigV4-verifying loopback endpoint: the docker credential helper protocol, the private cache
 * and its refresh at half-life (the clock moved with FAKE_EPOCH), the kubelet credential provider
 * protocol, and hosts that are not ECR registries.
 */
class CredentialHelperTest {

    private static final String HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
    private static final String ACCESS_KEY_ID = "AKIDEXAMPLE";
    private static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final long T0 = Instant.parse("2026-12-01T10:00:00Z").getEpochSecond();
    private static final ObjectMapper JSON = new ObjectMapper();

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
    void getPrintsTheCredentialsAndCachesThemPrivatelyUntilHalfTheirLifetime() throws Exception {
        try (FakeTokenEndpoint endpoint = endpoint()) {
            endpoint.queue(FakeTokenEndpoint.tokenResponse("first-password", Instant.ofEpochSecond(T0 + 3600)),
                    FakeTokenEndpoint.tokenResponse("second-password", Instant.ofEpochSecond(T0 + 1800 + 3600)));

            ScriptSandbox.Run first = helper(endpoint, T0, HOST, "get");
            assertEquals(0, first.exitCode(), first.stdout() + first.stderr());
            assertEquals("{\"ServerURL\":\"" + HOST + "\",\"Username\":\"AWS\",\"Secret\":\"first-password\"}\n",
                    first.stdout());
            Path cacheDir = sandbox.home().resolve(".cache/ecr-share");
            Path cacheFile = cacheDir.resolve("123456789012.us-east-1");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cacheDir)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cacheFile)));

            ScriptSandbox.Run beforeHalfLife = helper(endpoint, T0 + 1799, HOST, "get");
            assertTrue(beforeHalfLife.stdout().contains("\"Secret\":\"first-password\""), beforeHalfLife.stdout());
            assertEquals(1, endpoint.requests().size(), "served from the cache before half-life");

            ScriptSandbox.Run atHalfLife = helper(endpoint, T0 + 1800, HOST, "get");
            assertTrue(atHalfLife.stdout().contains("\"Secret\":\"second-password\""), atHalfLife.stdout());
            assertEquals(2, endpoint.requests().size(), "renewed at half-life");
            assertTrue(endpoint.requests().stream().allMatch(FakeTokenEndpoint.RecordedRequest::signatureValid));
            assertEquals("registryIds=123456789012", endpoint.requests().get(0).rawQuery().replace("format=json&", ""));
        }
    }

    @Test
    void aServerUrlWithSchemeAndPathIsTheSameRegistry() throws Exception {
        try (FakeTokenEndpoint endpoint = endpoint()) {
            endpoint.respondWithPassword("the-password");
            ScriptSandbox.Run run = helper(endpoint, T0, "https://" + HOST + "/v2/", "get");

            assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
            assertEquals("{\"ServerURL\":\"https://" + HOST + "/v2/\",\"Username\":\"AWS\",\"Secret\":\"the-password\"}\n",
                    run.stdout());
        }
    }

    @Test
    void aHostThatIsNotAnEcrRegistryIsNotFoundWithoutAnyRequest() throws Exception {
        try (FakeTokenEndpoint endpoint = endpoint()) {
            for (String host : List.of("docker.io", "index.docker.io/v1/", "123456789012.dkr.ecr.us-east-1.example.com",
                    "12345.dkr.ecr.us-east-1.amazonaws.com", "public.ecr.aws")) {
                ScriptSandbox.Run run = helper(endpoint, T0, host, "get");
                assertEquals(1, run.exitCode(), host);
                assertEquals("credentials not found in native keychain\n", run.stdout(), host);
            }
            assertTrue(endpoint.requests().isEmpty());
        }
    }

    @Test
    void chinaAndFipsHostsNameTheirRegion() throws Exception {
        try (FakeTokenEndpoint endpoint = endpoint()) {
            endpoint.respondWithPassword("pw");
            assertEquals(0, helper(endpoint, T0, "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", "get").exitCode());
            assertEquals(0, helper(endpoint, T0, "123456789012.dkr.ecr-fips.us-east-1.amazonaws.com", "get").exitCode());
            assertTrue(Files.exists(sandbox.home().resolve(".cache/ecr-share/123456789012.cn-north-1")));
        }
    }

    @Test
    void storeEraseAndListSucceedAndStoreNothing() throws Exception {
        try (FakeTokenEndpoint endpoint = endpoint()) {
            String stored = "{\"ServerURL\":\"" + HOST + "\",\"Username\":\"AWS\",\"Secret\":\"x\"}";
            ScriptSandbox.Run store = helper(endpoint, T0, stored, "store");
            ScriptSandbox.Run erase = helper(endpoint, T0, HOST, "erase");
            ScriptSandbox.Run list = helper(endpoint, T0, "", "list");

            assertEquals(List.of(0, 0, 0), List.of(store.exitCode(), erase.exitCode(), list.exitCode()));
            assertEquals(List.of("", "", "{}\n"), List.of(store.stdout(), erase.stdout(), list.stdout()));
            assertFalse(Files.exists(sandbox.home().resolve(".cache/ecr-share")));
            assertTrue(endpoint.requests().isEmpty());
        }
    }

    @Test
    void kubeletModeAnswersACredentialProviderResponseCachedPerRegistryForHalfTheRemainingLife() throws Exception {
        try (FakeTokenEndpoint endpoint = endpoint()) {
            endpoint.queue(FakeTokenEndpoint.tokenResponse("kube-password", Instant.ofEpochSecond(T0 + 3600)));
            String request = """
                    {"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderRequest",
                     "image":"%s/team/app:1.0"}""".formatted(HOST);

            JsonNode first = kubelet(endpoint, T0, request);
            assertEquals("credentialprovider.kubelet.k8s.io/v1", first.path("apiVersion").asText());
            assertEquals("CredentialProviderResponse", first.path("kind").asText());
            assertEquals("Registry", first.path("cacheKeyType").asText());
            assertEquals("1800s", first.path("cacheDuration").asText());
            assertEquals("AWS", first.path("auth").path(HOST).path("username").asText());
            assertEquals("kube-password", first.path("auth").path(HOST).path("password").asText());

            JsonNode later = kubelet(endpoint, T0 + 600, request);
            assertEquals("1500s", later.path("cacheDuration").asText(), "half of the 3,000 s left");
            assertEquals("kube-password", later.path("auth").path(HOST).path("password").asText());
            assertEquals(1, endpoint.requests().size(), "the helper's cache is shared by both protocols");
        }
    }

    @Test
    void kubeletModeRefusesAnImageOutsideEcr() throws Exception {
        try (FakeTokenEndpoint endpoint = endpoint()) {
            ScriptSandbox.Run run = helper(endpoint, T0,
                    "{\"apiVersion\":\"credentialprovider.kubelet.k8s.io/v1\",\"kind\":\"CredentialProviderRequest\","
                            + "\"image\":\"docker.io/library/nginx:1\"}", "kubelet");
            assertEquals(1, run.exitCode());
            assertTrue(run.stderr().contains("docker.io is not an ECR registry host"), run.stderr());
            assertTrue(endpoint.requests().isEmpty());
        }
    }

    @Test
    void theConfigFileGivesTheEndpointRegionMaxWaitAndRegistryAliases() throws Exception {
        try (FakeTokenEndpoint endpoint = endpoint()) {
            endpoint.respondWithPassword("alias-password");
            Path config = tempDir.resolve("ecr-share.conf");
            Files.writeString(config, """
                    # ecr-share credential helper
                    endpoint = %s
                    region = us-east-1
                    max-wait = 0
                    registry-alias = 127.0.0.1:5000 123456789012 eu-west-1
                    """.formatted(endpoint.endpointUrl()));
            Map<String, String> env = credentials(T0);
            env.put("ECR_SHARE_CONFIG", config.toString());
            env.remove("AWS_REGION");
            ScriptSandbox.Run run = sandbox.exec(List.of("/bin/dash",
                    sandbox.script("docker-credential-ecr-share").toString(), "get"), env, "127.0.0.1:5000\n");

            assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
            assertTrue(run.stdout().contains("\"Secret\":\"alias-password\""), run.stdout());
            assertTrue(endpoint.requests().get(0).signatureValid());
            assertTrue(Files.exists(sandbox.home().resolve(".cache/ecr-share/123456789012.eu-west-1")));
        }
    }

    @Test
    void withTheEndpointDownACachedPasswordPastHalfLifeIsStillServedUntilNearItsExpiry() throws Exception {
        try (FakeTokenEndpoint endpoint = endpoint()) {
            endpoint.queue(FakeTokenEndpoint.tokenResponse("cached-password", Instant.ofEpochSecond(T0 + 3600)));
            assertEquals(0, helper(endpoint, T0, HOST, "get").exitCode());
            endpoint.respondWith(503, "{\"message\":\"Service Unavailable\"}");

            ScriptSandbox.Run degraded = helper(endpoint, T0 + 2400, HOST, "get");
            assertEquals(0, degraded.exitCode(), degraded.stdout() + degraded.stderr());
            assertTrue(degraded.stdout().contains("\"Secret\":\"cached-password\""));
            assertTrue(degraded.stderr().contains("using the cached password, valid for 1200 more s"), degraded.stderr());

            ScriptSandbox.Run expired = helper(endpoint, T0 + 3550, HOST, "get");
            assertEquals(1, expired.exitCode());
            assertTrue(expired.stdout().startsWith("cannot get a password for " + HOST), expired.stdout());
        }
    }

    @Test
    void withoutAnEndpointTheErrorSaysHowToConfigureOne() throws Exception {
        Map<String, String> env = credentials(T0);
        ScriptSandbox.Run run = sandbox.exec(List.of("/bin/dash",
                sandbox.script("docker-credential-ecr-share").toString(), "get"), env, HOST + "\n");
        assertEquals(1, run.exitCode());
        assertTrue(run.stdout().startsWith("no token endpoint: set ECR_SHARE_ENDPOINT"), run.stdout());
    }

    private FakeTokenEndpoint endpoint() throws IOException {
        return new FakeTokenEndpoint(new SigV4Verifier(AwsCredentialsIdentity.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY),
                "us-east-1"));
    }

    private Map<String, String> credentials(long epoch) {
        return env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY,
                "AWS_REGION", "us-east-1", "AWS_EC2_METADATA_SERVICE_ENDPOINT", closedPortUrl,
                "FAKE_EPOCH", String.valueOf(epoch), "ECR_SHARE_BACKOFF_BASE_MS", "100", "ECR_SHARE_BACKOFF_CAP_MS", "200");
    }

    private ScriptSandbox.Run helper(FakeTokenEndpoint endpoint, long epoch, String stdin, String command)
            throws Exception {
        Map<String, String> env = credentials(epoch);
        env.put("ECR_SHARE_ENDPOINT", endpoint.endpointUrl());
        Path config = tempDir.resolve("max-wait.conf");
        Files.writeString(config, "max-wait = 0\n");
        env.put("ECR_SHARE_CONFIG", config.toString());
        ScriptSandbox.Run run = sandbox.exec(List.of("/bin/dash",
                sandbox.script("docker-credential-ecr-share").toString(), command), env, stdin + "\n");
        assertFalse(sandbox.curlCommandLines().contains(SECRET_ACCESS_KEY), "secret on a curl command line");
        assertFalse(sandbox.toolCommandLines().contains("-password"), "a password on a command line: "
                + sandbox.toolCommandLines());
        return run;
    }

    private JsonNode kubelet(FakeTokenEndpoint endpoint, long epoch, String request) throws Exception {
        ScriptSandbox.Run run = helper(endpoint, epoch, request, "kubelet");
        assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
        return JSON.readTree(run.stdout());
    }
}
