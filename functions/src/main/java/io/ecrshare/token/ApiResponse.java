package io.ecrshare.token;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrshare.minting.IssuedToken;

import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the endpoint answers: status, headers and body of an API Gateway proxy response. */
public record ApiResponse(int status, Map<String, String> headers, String body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ApiResponse {
        headers = Map.copyOf(headers);
    }

    static ApiResponse tokens(List<IssuedToken> tokens) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode data = body.putArray("authorizationData");
        for (IssuedToken token : tokens) {
            data.addObject()
                    .put("registryId", token.registryId())
                    .put("proxyEndpoint", token.proxyEndpoint())
                    .put("username", token.username())
                    .put("password", token.password())
                    // ECR's own field: base64 of "AWS:password", so scripts written for
                    // `aws ecr get-authorization-token` work unchanged.
                    .put("authorizationToken", Base64.getEncoder().encodeToString(
                            (token.username() + ":" + token.password()).getBytes(StandardCharsets.UTF_8)))
                    // Whole seconds, rounded down: never later than the token really stops working.
                    .put("expiresAt", token.expiresAt().truncatedTo(ChronoUnit.SECONDS).toString());
        }
        return new ApiResponse(200, headers("application/json"), body.toString());
    }

    static ApiResponse password(IssuedToken token) {
        return new ApiResponse(200, headers("text/plain; charset=utf-8"), token.password());
    }

    public static ApiResponse error(TokenRefusedException error, String requestId) {
        ObjectNode body = JSON.createObjectNode()
                .put("error", error.code())
                .put("message", error.getMessage())
                .put("requestId", requestId);
        Map<String, String> headers = new LinkedHashMap<>(headers("application/json"));
        if (error.retryAfterSeconds() != null) {
            headers.put("Retry-After", String.valueOf(error.retryAfterSeconds()));
        }
        return new ApiResponse(error.status(), headers, body.toString());
    }

    private static Map<String, String> headers(String contentType) {
        // A token is a credential: no cache between the caller and us may keep it.
        return Map.of("Content-Type", contentType, "Cache-Control", "no-store");
    }
}
