package io.ecrshare.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ecrshare.aws.AwsClients;
import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.aws.HttpsPriming;
import io.ecrshare.config.FunctionConfig;
import io.ecrshare.enforce.EnforceHandler;
import io.ecrshare.grant.GrantHandler;
import io.ecrshare.reconcile.CloudFormationResponder;
import io.ecrshare.reconcile.ReconcileHandler;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.LoopbackTls;
import io.ecrshare.testsupport.TestConfig;
import io.ecrshare.token.TokenCache;
import io.ecrshare.tokenapi.TokenHandler;
import org.crac.Context;
import org.crac.Resource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every handler registers a SnapStart checkpoint hook with the CRaC context it is given; running the hook, as
 * Lambda does before the snapshot, makes real HTTPS requests (a TLS handshake with a loopback endpoint that
 * plays AWS) and only the allowed ones: read-only operations, signed with the throwaway priming key, never
 * with the function's credentials. The endpoint answers as AWS does for an unknown access key (403
 * UnrecognizedClientException for ECR's JSON protocol, InvalidClientTokenId for STS's query protocol; AWS
 * common errors documentation).
 */
class SnapStartHookTest {

    private static final String FUNCTION_KEY = "AKIAFUNCTIONROLE0001";
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([A-Z0-9]+)/");
    /** Operation seen at the endpoint -> allowed: read-only and refused anyway for the made-up key. */
    private static final List<String> ALLOWED = List.of("ecr:GetRepositoryPolicy", "sts:GetCallerIdentity");

    private record Seen(String operation, String accessKey, String protocol) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private HttpServer endpoint;
    private Map<String, String> env;
    private CapturedOutput output;

    /** A CRaC context that keeps what is registered and runs it on demand, as Lambda's runtime does. */
    private static final class RecordingContext extends Context<Resource> {
        final List<Resource> registered = new ArrayList<>();

        @Override
        public void register(Resource resource) {
            registered.add(resource);
        }

        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) {
            for (Resource resource : registered) {
                try {
                    resource.beforeCheckpoint(this);
                } catch (Exception e) {
                    throw new AssertionError("a checkpoint hook threw (priming must be best effort)", e);
                }
            }
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) {
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        endpoint = LoopbackTls.server(true);
        endpoint.createContext("/", this::answerAsAwsDoesForAnUnknownKey);
        endpoint.start();
        env = new HashMap<>(TestConfig.env());
        env.put("AWS_REGION", "eu-west-1");
        env.put("AWS_ENDPOINT_URL", LoopbackTls.endpoint(endpoint));
        env.put(FunctionConfig.TOKEN_ROLE_ARN, "arn:aws:iam::123456789012:role/ecr-share-TokenMintingRole-ABC");
        output = new CapturedOutput();
    }

    @AfterEach
    void tearDown() {
        endpoint.stop(0);
    }

    @Test
    void grantPrimesOverHttpsWithReadsOnly() {
        assertHookPrimesOverHttpsWithReadsOnly(crac -> new GrantHandler(components("grant"), env, LoopbackTls.get().trust(), crac),
                "ecr:GetRepositoryPolicy");
    }

    @Test
    void enforcePrimesOverHttpsWithReadsOnly() {
        assertHookPrimesOverHttpsWithReadsOnly(crac -> new EnforceHandler(components("enforce"), env, LoopbackTls.get().trust(), crac),
                "ecr:GetRepositoryPolicy");
    }

    @Test
    void reconcilePrimesOverHttpsWithReadsOnly() {
        assertHookPrimesOverHttpsWithReadsOnly(crac -> new ReconcileHandler(components("reconcile"), new CloudFormationResponder(),
                env, LoopbackTls.get().trust(), crac), "ecr:GetRepositoryPolicy");
    }

    @Test
    void tokenPrimesOverHttpsWithReadsOnly() {
        PrintStream original = System.out;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            FunctionConfig config = FunctionConfig.fromEnvironment(env);
            assertHookPrimesOverHttpsWithReadsOnly(crac -> new TokenHandler(TokenComponents.create(config, functionClients(),
                    Clock.systemUTC(), output.log("token"), output.metrics("token"), TokenCache.DEFAULT_MAX_ENTRIES),
                    config, env, LoopbackTls.get().trust(), crac), "sts:GetCallerIdentity");
        } finally {
            System.setOut(original);
        }
        String log = stdout.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("\"primed for the snapshot\"") && log.contains("\"httpsStatus\":403"), log);
    }

    @Test
    void anUnreachableEndpointLeavesTheSnapshotToBeTaken() {
        endpoint.stop(0);   // nothing listens on the port any more
        RecordingContext crac = new RecordingContext();
        new GrantHandler(components("grant"), env, LoopbackTls.get().trust(), crac);
        crac.beforeCheckpoint(null);
        JsonNode line = primedLine();
        assertEquals(HttpsPriming.NO_ANSWER, line.at("/outcome/httpsStatus").asInt(), line.toString());
        assertEquals("granted", line.at("/outcome/inMemory").asText(), "the in-memory part still ran");
    }

    private void assertHookPrimesOverHttpsWithReadsOnly(Function<Context<Resource>, Object> handler, String expected) {
        RecordingContext crac = new RecordingContext();
        handler.apply(crac);
        assertEquals(1, crac.registered.size(), "one checkpoint hook registered with the CRaC context");
        assertEquals(List.of(), seen, "constructing the handler calls nothing");

        crac.beforeCheckpoint(null);

        assertFalse(seen.isEmpty(), "the hook made a real HTTPS request");
        for (Seen request : seen) {
            assertTrue(ALLOWED.contains(request.operation()), "not a read-only priming call: " + request);
            assertEquals(HttpsPriming.ACCESS_KEY, request.accessKey(), "signed with the throwaway key: " + request);
            assertFalse(request.accessKey().equals(FUNCTION_KEY), "never the function's credentials");
            assertTrue(request.protocol().startsWith("TLS"), "over TLS: " + request);
        }
        assertTrue(seen.stream().anyMatch(s -> s.operation().equals(expected)), seen.toString());
        if (!expected.startsWith("sts:")) {
            JsonNode line = primedLine();
            assertEquals(403, line.at("/outcome/httpsStatus").asInt(), line.toString());
            assertEquals("granted", line.at("/outcome/inMemory").asText(), "the in-memory grant ran too");
        }
    }

    private JsonNode primedLine() {
        return output.lines().stream().filter(l -> "primed for the snapshot".equals(l.path("message").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no priming log line in " + output.text()));
    }

    private AwsClients functionClients() {
        return new AwsClients(env, StaticCredentialsProvider.create(AwsBasicCredentials.create(FUNCTION_KEY, "function-secret")));
    }

    /** The function's real components, their ECR client signed with the function's key and pointed at the endpoint. */
    private SharingComponents components(String function) {
        return TestConfig.components(env, new EcrRepositoryRegistry(functionClients().ecr()), output, function,
                new TestConfig.RecordingSleeper());
    }

    private void answerAsAwsDoesForAnUnknownKey(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String operation;
        String answer;
        String contentType;
        if (target != null) {
            operation = "ecr:" + target.substring(target.indexOf('.') + 1);
            contentType = "application/x-amz-json-1.1";
            answer = "{\"__type\":\"UnrecognizedClientException\",\"message\":\"The security token included in the request is invalid.\"}";
        } else {
            String action = "?";
            for (String pair : body.split("&")) {
                if (pair.startsWith("Action=")) {
                    action = URLDecoder.decode(pair.substring("Action=".length()), StandardCharsets.UTF_8);
                }
            }
            operation = "sts:" + action;
            contentType = "text/xml";
            answer = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                    + "<Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message>"
                    + "</Error><RequestId>priming</RequestId></ErrorResponse>";
        }
        Matcher m = CREDENTIAL.matcher(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        String protocol = exchange instanceof com.sun.net.httpserver.HttpsExchange https ? https.getSSLSession().getProtocol() : "plain";
        seen.add(new Seen(operation, m.find() ? m.group(1) : "unsigned", protocol));
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(403, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
