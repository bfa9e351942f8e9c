package io.ecrshare.tokenapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrshare.token.ApiResponse;
import io.ecrshare.token.Caller;
import io.ecrshare.token.TokenRefusedException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an API Gateway REST proxy event the endpoint uses, read with our own Jackson (the runtime's
 * relocated one ignores annotations), and the proxy response written back.
 */
public record ApiGatewayRequest(Map<String, List<String>> query, Caller caller, String requestId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** @throws TokenRefusedException 400 when the event is not a REST proxy event */
    public static ApiGatewayRequest read(InputStream input, String fallbackRequestId) {
        JsonNode event;
        try {
            event = JSON.readTree(input);
        } catch (IOException e) {
            throw TokenRefusedException.badRequest("MalformedRequest", "the request event is not JSON");
        }
        if (event == null || !event.isObject()) {
            throw TokenRefusedException.badRequest("MalformedRequest", "the request event is not a JSON object");
        }
        JsonNode context = event.path("requestContext");
        if (!context.isObject() || !event.path("httpMethod").isTextual()) {
            // A direct invocation or another event source: there is no caller identity to judge (docs: 400).
            throw TokenRefusedException.badRequest("MalformedRequest",
                    "the request event is not an API Gateway REST proxy event (no requestContext or httpMethod)");
        }
        String requestId = Caller.bounded(text(context.path("requestId")), Caller.ECHO_LENGTH);
        JsonNode identity = context.path("identity");
        Caller caller = new Caller(text(identity.path("accountId")), text(identity.path("userArn")),
                text(identity.path("principalOrgId")));
        return new ApiGatewayRequest(query(event), caller, requestId != null ? requestId : fallbackRequestId);
    }

    /** All values of every query parameter: the multi-value map when present, else the single-value map. */
    private static Map<String, List<String>> query(JsonNode event) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        JsonNode multi = event.path("multiValueQueryStringParameters");
        if (multi.isObject()) {
            multi.fields().forEachRemaining(field -> {
                List<String> values = new ArrayList<>();
                field.getValue().forEach(v -> values.add(v.isNull() ? "" : v.asText()));
                query.put(field.getKey(), values);
            });
            return query;
        }
        JsonNode single = event.path("queryStringParameters");
        if (single.isObject()) {
            single.fields().forEachRemaining(field ->
                    query.put(field.getKey(), List.of(field.getValue().isNull() ? "" : field.getValue().asText())));
        }
        return query;
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    public static void write(ApiResponse response, OutputStream output) throws IOException {
        ObjectNode proxy = JSON.createObjectNode();
        proxy.put("statusCode", response.status());
        ObjectNode headers = proxy.putObject("headers");
        response.headers().forEach(headers::put);
        proxy.put("body", response.body());
        proxy.put("isBase64Encoded", false);
        JSON.writeValue(output, proxy);
    }
}
