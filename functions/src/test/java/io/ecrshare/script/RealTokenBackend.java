package io.ecrshare.script;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrshare.observability.EmbeddedMetrics;
import io.ecrshare.observability.JsonLog;
import io.ecrshare.token.FakeStsEcr;
import io.ecrshare.token.TokenCache;
import io.ecrshare.config.FunctionConfig;
import io.ecrshare.tokenapi.TokenHandler;
import io.ecrshare.wiring.TokenComponents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The real token function behind {@link FakeTokenEndpoint}: each verified request becomes the API
 * Gateway proxy event IAM authorization would produce for {@code callerArn} (requestContext.identity),
 * goes through the real {@link TokenHandler} wired by {@link TokenComponents} with real SDK clients,
 * and mints from {@link FakeStsEcr} (loopback STS + ECR). So scripts are tested against the handler's
 * actual answers, not a copy of their shape.
 */
final class RealTokenBackend implements Function<FakeTokenEndpoint.RecordedRequest, FakeTokenEndpoint.Response>,
        AutoCloseable {

    static final String OWNER = "123456789012";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeStsEcr upstream;
    private final TokenHandler handler;
    private final String callerAccount;
    private final String callerArn;

    RealTokenBackend(Clock clock, String callerAccount, String callerArn) throws IOException {
        this.upstream = new FakeStsEcr(clock);
        this.callerAccount = callerAccount;
        this.callerArn = callerArn;
        Map<String, String> env = new HashMap<>();
        env.put("CONSUMER_ACCOUNT_IDS", callerAccount);
        env.put("OWNER_ACCOUNT_ID", OWNER);
        env.put(FunctionConfig.TOKEN_ROLE_ARN, "arn:aws:iam::" + OWNER + ":role/ecr-share-TokenMintingRole-ABCDEF123456");
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        handler = new TokenHandler(TokenComponents.create(FunctionConfig.fromEnvironment(env), upstream.clients(2), clock,
                new JsonLog(nowhere, clock, "token"), new EmbeddedMetrics(nowhere, clock, "token"),
                TokenCache.DEFAULT_MAX_ENTRIES));
    }

    FakeStsEcr upstream() {
        return upstream;
    }

    @Override
    public FakeTokenEndpoint.Response apply(FakeTokenEndpoint.RecordedRequest request) {
        ObjectNode event = JSON.createObjectNode()
                .put("resource", "/token").put("path", "/token").put("httpMethod", request.method());
        ObjectNode single = event.putObject("queryStringParameters");
        ObjectNode multi = event.putObject("multiValueQueryStringParameters");
        if (request.rawQuery() != null) {
            for (String pair : request.rawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                single.put(name, value);
                multi.putArray(name).add(value);
            }
        }
        ObjectNode context = event.putObject("requestContext").put("requestId", UUID.randomUUID().toString());
        context.putObject("identity").put("accountId", callerAccount).put("userArn", callerArn)
                .put("accessKey", request.accessKeyId());
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
            JsonNode response = JSON.readTree(out.toByteArray());
            Map<String, String> headers = new HashMap<>();
            response.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
            return new FakeTokenEndpoint.Response(response.path("statusCode").asInt(),
                    headers.getOrDefault("Content-Type", "application/json"), response.path("body").asText(), headers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        upstream.close();
    }
}
