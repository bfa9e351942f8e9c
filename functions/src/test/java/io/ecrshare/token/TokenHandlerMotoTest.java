package io.ecrshare.token;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecrshare.config.FunctionConfig;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.MotoServer;
import io.ecrshare.tokenapi.TokenHandler;
import io.ecrshare.wiring.TokenComponents;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;

import static io.ecrshare.token.Invocations.event;
import static io.ecrshare.token.Invocations.invoke;
import static io.ecrshare.token.Invocations.query;
import static io.ecrshare.token.Invocations.withQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sample events through the handler and the real SDK clients against moto's STS and ECR. */
class TokenHandlerMotoTest {

    private static final MotoServer MOTO = MotoServer.shared();
    private final CapturedOutput output = new CapturedOutput();
    private TokenHandler handler;

    @BeforeEach
    void setUp() {
        MOTO.reset();
        handler = new TokenHandler(TokenComponents.create(FunctionConfig.fromEnvironment(Invocations.env()), MOTO.clients().withMaxAttempts(1),
                Clock.systemUTC(), output.log("token"), output.metrics("token"), TokenCache.DEFAULT_MAX_ENTRIES));
    }

    @Test
    void aConsumerRoleGetsAJsonTokenForThisRegistry() {
        Invocations.Response response = invoke(handler, event("token-consumer-role.json"));

        assertEquals(200, response.status(), response.raw());
        assertEquals("application/json", response.headers().get("Content-Type"));
        assertEquals("no-store", response.headers().get("Cache-Control"));
        JsonNode token = response.tokens().get(0);
        assertEquals(1, response.tokens().size());
        assertEquals("123456789012", token.path("registryId").asText());
        assertEquals("https://123456789012.dkr.ecr.us-east-1.amazonaws.com", token.path("proxyEndpoint").asText());
        assertEquals("AWS", token.path("username").asText());
        assertEquals("123456789012-auth-token", token.path("password").asText(), "moto's password, base64-decoded and split");
        // moto's token "expires" in 2015, before its one-hour session: the earlier time is reported, in UTC.
        Instant expiresAt = Instant.parse(token.path("expiresAt").asText());
        assertTrue(expiresAt.isBefore(Instant.parse("2015-01-02T00:00:00Z")), expiresAt.toString());
        assertTrue(token.path("expiresAt").asText().endsWith("Z"));

        JsonNode line = output.lines().stream().filter(l -> "token issued".equals(l.path("message").asText())).findFirst().orElseThrow();
        assertEquals("arn:aws:sts::333333333333:assumed-role/puller/i-0abc123def4567890", line.path("callerArn").asText());
        assertEquals("miss", line.path("cache").asText());
        assertEquals("333333333333.puller.i-0abc123def4567890", line.path("sessionName").asText());
        assertEquals("c6af9ac6-7b61-11e6-9a41-93e8deadbeef", line.path("requestId").asText());
    }

    @Test
    void formatPasswordReturnsJustThePasswordAsPlainText() {
        Invocations.Response response = invoke(handler, event("token-password.json"));

        assertEquals(200, response.status(), response.raw());
        assertEquals("text/plain; charset=utf-8", response.headers().get("Content-Type"));
        assertEquals("no-store", response.headers().get("Cache-Control"));
        assertEquals("123456789012-auth-token", response.body());
    }

    @Test
    void anUnknownCallerIs403() {
        Invocations.Response response = invoke(handler, event("token-unknown-caller.json"));

        assertEquals(403, response.status(), response.raw());
        JsonNode body = response.json();
        assertEquals("AccessDenied", body.path("error").asText());
        assertTrue(body.path("message").asText().contains("not a configured consumer"));
        assertEquals("5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b", body.path("requestId").asText());
    }

    @Test
    void aMalformedRequestIs400() {
        Invocations.Response response = invoke(handler, event("token-malformed.json"));

        assertEquals(400, response.status(), response.raw());
        assertEquals("InvalidRegistryId", response.json().path("error").asText());
        assertEquals("application/json", response.headers().get("Content-Type"));
    }

    @Test
    void aRegistryThisDeploymentDoesNotServeIs404() {
        Invocations.Response response = invoke(handler,
                withQuery(event("token-consumer-role.json"), query("registryIds", "123456789012,210987654321")));

        assertEquals(404, response.status(), response.raw());
        assertEquals("RegistryNotFound", response.json().path("error").asText());
        assertTrue(response.json().path("message").asText().contains("210987654321"));
    }

    @Test
    void anEventThatIsNotJsonIs400NotA500() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        handler.handleRequest(new java.io.ByteArrayInputStream("not json".getBytes()), out, null);
        JsonNode response = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toByteArray());
        assertEquals(400, response.path("statusCode").asInt());
        assertTrue(response.path("body").asText().contains("MalformedRequest"));
    }
}
