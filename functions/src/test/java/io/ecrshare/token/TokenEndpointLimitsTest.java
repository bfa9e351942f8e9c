package io.ecrshare.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.aws.AwsClients;
import io.ecrshare.config.FunctionConfig;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.CloudFormationTemplate;
import io.ecrshare.testsupport.LambdaContext;
import io.ecrshare.tokenapi.TokenHandler;
import io.ecrshare.token.Invocations.Response;
import io.ecrshare.wiring.TokenComponents;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.ecrshare.token.Invocations.event;
import static io.ecrshare.token.Invocations.invoke;
import static io.ecrshare.token.Invocations.withIdentity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The token endpoint's limits (issue 9 item 7): what a refusal echoes is bounded, a hung upstream is a 502 in
 * time, a non-proxy invocation is a logged 400, and every log line carries the Lambda request ID.
 */
class TokenEndpointLimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final CapturedOutput output = new CapturedOutput();

    private TokenHandler handler(AwsClients clients) {
        return new TokenHandler(TokenComponents.create(FunctionConfig.fromEnvironment(Invocations.env()), clients,
                Clock.systemUTC(), output.log("token"), output.metrics("token"), 16));
    }

    /** Clients pointed at an address where nothing listens: only for requests refused before any call. */
    private static AwsClients nowhere() {
        return new AwsClients(Map.of("AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIATEST", "secret"))).withMaxAttempts(1);
    }

    @Test
    void aHugeCallerArnIsEchoedBoundedInTheBodyAndTheLog() {
        String huge = "arn:aws:sts::999999999999:assumed-role/r/" + "x".repeat(10_240);
        Response response = invoke(handler(nowhere()), withIdentity(event("token-consumer-role.json"), "999999999999", huge, null));

        assertEquals(403, response.status());
        assertTrue(response.body().length() < 600, "bounded body: " + response.body().length());
        assertTrue(response.json().get("message").asText().contains("(" + huge.length() + " characters)"), response.body());
        JsonNode line = output.lines().stream().filter(l -> "token request refused".equals(l.path("message").asText()))
                .findFirst().orElseThrow();
        assertTrue(line.toString().length() < Caller.MAX_ARN_LENGTH * 2 + 1000, "bounded log line: " + line.toString().length());
    }

    @Test
    void aNonProxyInvocationIsA400MalformedRequestAndIsLogged() {
        for (String event : List.of("{\"foo\":\"bar\"}", "{\"dryRun\":true}", "{\"requestContext\":{}}")) {
            Response response = invoke(handler(nowhere()), readTree(event));
            assertEquals(400, response.status(), event);
            assertEquals("MalformedRequest", response.json().get("error").asText(), event);
        }
        List<JsonNode> logged = output.lines().stream().filter(l -> "token request refused".equals(l.path("message").asText())).toList();
        assertEquals(3, logged.size(), "every response is logged: " + output.text());
        assertEquals(400, logged.get(0).path("status").asInt());
        assertEquals(3, output.metric("TokenRefused400"));
    }

    @Test
    void anUpstreamThatNeverAnswersIsA502WellInsideTheFunctionsTimeout() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        accepted.add(silent.accept());   // accept, read nothing, answer nothing
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            AwsClients clients = new AwsClients(Map.of("AWS_REGION", "us-east-1",
                    "AWS_ENDPOINT_URL", "http://127.0.0.1:" + silent.getLocalPort()),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIATEST", "secret"))).withMaxAttempts(2);

            long start = System.nanoTime();
            Response response = invoke(handler(clients), event("token-consumer-role.json"));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

            assertEquals(502, response.status(), response.raw());
            assertEquals("UpstreamFailure", response.json().get("error").asText());
            int lambdaTimeoutMillis = ((Number) CloudFormationTemplate.load().properties("TokenFunction").get("Timeout")).intValue() * 1000;
            assertTrue(elapsedMillis < lambdaTimeoutMillis, "answered after " + elapsedMillis + " ms, Lambda timeout " + lambdaTimeoutMillis);
            assertTrue(!accepted.isEmpty(), "the upstream was reached and hung");
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void theUpstreamTimeoutsFitTheFunctionsTimeoutAsConfigured() {
        int timeoutSeconds = ((Number) CloudFormationTemplate.load().properties("TokenFunction").get("Timeout")).intValue();
        long worst = TokenComponents.UPSTREAM_CALL_TIMEOUT.toMillis() * TokenComponents.UPSTREAM_CALLS_PER_TOKEN;
        assertTrue(worst + 5_000 <= timeoutSeconds * 1000L, "two bounded calls plus 5 s of margin within " + timeoutSeconds + " s");
        assertTrue(worst < 29_000, "and within API Gateway's 29 s integration limit");
    }

    @Test
    void everyLogAndMetricLineCarriesTheLambdaRequestId() throws Exception {
        TokenHandler handler = handler(nowhere());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(withIdentity(event("token-consumer-role.json"),
                "999999999999", "arn:aws:sts::999999999999:assumed-role/r/s", null))), out, LambdaContext.withRequestId("lambda-req-7"));
        handler.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), out, LambdaContext.withRequestId("lambda-req-8"));

        List<JsonNode> lines = output.lines();
        assertTrue(lines.size() >= 4, output.text());
        assertTrue(lines.stream().allMatch(l -> l.path("lambdaRequestId").asText().startsWith("lambda-req-")), output.text());
        assertTrue(lines.stream().anyMatch(l -> l.has("_aws") && "lambda-req-8".equals(l.path("lambdaRequestId").asText())));
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
