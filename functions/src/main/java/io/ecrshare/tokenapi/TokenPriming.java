package io.ecrshare.tokenapi;

import io.ecrshare.config.FunctionConfig;
import io.ecrshare.wiring.TokenComponents;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * SnapStart priming: runs requests through a throwaway copy of the endpoint, so the classes of the whole
 * request path (event parsing, validation, caller check, cache, SDK marshalling, signing and unmarshalling
 * for STS and ECR, JSON writing) are loaded and initialized in the snapshot
 * ({@link TokenComponents#primingService} says why that copy captures nothing sensitive).
 */
public final class TokenPriming {

    static final String PRIMING_ACCOUNT = "000000000000";

    private TokenPriming() {
    }

    /** @return the status codes of the priming requests (tests check the path really ran) */
    public static List<Integer> prime(FunctionConfig deployed, Map<String, String> env) {
        TokenHandler handler = new TokenHandler(TokenComponents.primingService(deployed, env, PRIMING_ACCOUNT));
        return List.of(
                run(handler, "registryIds=" + PRIMING_ACCOUNT, "json"),        // miss: STS + ECR through the SDK
                run(handler, "registryIds=" + PRIMING_ACCOUNT, "password"),    // hit
                run(handler, "registryIds=12345", "json"));                    // 400
    }

    private static int run(TokenHandler handler, String registryIds, String format) {
        String event = "{\"resource\":\"/token\",\"path\":\"/token\",\"httpMethod\":\"GET\","
                + "\"queryStringParameters\":{\"" + registryIds.replace("=", "\":\"") + "\",\"format\":\"" + format + "\"},"
                + "\"requestContext\":{\"requestId\":\"priming\",\"identity\":{\"accountId\":\"" + PRIMING_ACCOUNT + "\","
                + "\"userArn\":\"arn:aws:sts::" + PRIMING_ACCOUNT + ":assumed-role/priming/priming\"}}}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String response = out.toString(StandardCharsets.UTF_8);
        int at = response.indexOf("\"statusCode\":") + "\"statusCode\":".length();
        return Integer.parseInt(response.substring(at, at + 3));
    }
}
