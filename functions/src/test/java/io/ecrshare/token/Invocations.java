package io.ecrshare.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrshare.config.FunctionConfig;
import io.ecrshare.testsupport.ProjectFiles;
import io.ecrshare.testsupport.TestConfig;
import io.ecrshare.tokenapi.TokenHandler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sample API Gateway events from events/, variations of them, and invoking the handler with them. */
final class Invocations {

    static final String TOKEN_ROLE = "arn:aws:iam::123456789012:role/ecr-share-TokenMintingRole-ABCDEF123456";
    static final String OWNER = "123456789012";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Invocations() {
    }

    /** The deployment the tests use: TestConfig's consumers plus the token role. */
    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(TestConfig.env());
        env.put(FunctionConfig.TOKEN_ROLE_ARN, TOKEN_ROLE);
        return env;
    }

    static ObjectNode event(String name) {
        try {
            return (ObjectNode) JSON.readTree(ProjectFiles.eventText(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The event with this query string (single values), as API Gateway would fill both query maps. */
    static ObjectNode withQuery(ObjectNode event, Map<String, String> query) {
        ObjectNode copy = event.deepCopy();
        if (query.isEmpty()) {
            copy.putNull("queryStringParameters");
            copy.putNull("multiValueQueryStringParameters");
            return copy;
        }
        ObjectNode single = copy.putObject("queryStringParameters");
        ObjectNode multi = copy.putObject("multiValueQueryStringParameters");
        query.forEach((k, v) -> {
            single.put(k, v);
            multi.putArray(k).add(v);
        });
        return copy;
    }

    static ObjectNode withIdentity(ObjectNode event, String accountId, String userArn, String orgId) {
        ObjectNode copy = event.deepCopy();
        ObjectNode identity = (ObjectNode) copy.path("requestContext").path("identity");
        identity.put("accountId", accountId);
        identity.put("userArn", userArn);
        identity.put("principalOrgId", orgId);
        return copy;
    }

    static Response invoke(TokenHandler handler, JsonNode event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
            JsonNode response = JSON.readTree(out.toByteArray());
            Map<String, String> headers = new LinkedHashMap<>();
            response.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
            return new Response(response.path("statusCode").asInt(), headers, response.path("body").asText(),
                    out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> query(String... pairs) {
        Map<String, String> query = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            query.put(pairs[i], pairs[i + 1]);
        }
        return query;
    }

    record Response(int status, Map<String, String> headers, String body, String raw) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("body is not JSON: " + body, e);
            }
        }

        List<JsonNode> tokens() {
            return List.copyOf((java.util.Collection<JsonNode>) toList(json().path("authorizationData")));
        }

        private static java.util.List<JsonNode> toList(JsonNode array) {
            java.util.List<JsonNode> list = new java.util.ArrayList<>();
            array.forEach(list::add);
            return list;
        }
    }
}
