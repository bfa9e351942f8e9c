package io.ecrshare.script;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Loopback stand-in for the ecr-share API stage: serves GET /prod/token, rejects requests whose
 * SigV4 signature does not verify with API Gateway's 403 body, and otherwise answers with a
 * configurable response. Every request is recorded.
 */
final class FakeTokenEndpoint implements AutoCloseable {

    static final String STAGE = "/prod";

    record RecordedRequest(String method, String path, String rawQuery,
                           Map<String, List<String>> headers, Optional<String> rejectionReason) {
        boolean signatureValid() {
            return rejectionReason.isEmpty();
        }

        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }
    }

    private record Response(int status, String contentType, String body) {}

    private final HttpServer server;
    private final SigV4Verifier verifier;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private volatile Response response;

    FakeTokenEndpoint(SigV4Verifier verifier) throws IOException {
        this.verifier = verifier;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(STAGE + "/token", this::handle);
        server.start();
    }

    /** The stage URL, as the script receives it in --endpoint. */
    String endpointUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + STAGE;
    }

    void respondWithPassword(String password) {
        response = new Response(200, "text/plain", password);
    }

    void respondWith(int status, String jsonBody) {
        response = new Response(status, "application/json", jsonBody);
    }

    List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
        URI received = exchange.getRequestURI();
        URI absolute = URI.create("http://" + headers.get("host").get(0) + received.getRawPath()
                + (received.getRawQuery() == null ? "" : "?" + received.getRawQuery()));
        byte[] requestBody = exchange.getRequestBody().readAllBytes();
        Optional<String> rejection =
                verifier.rejectionReason(exchange.getRequestMethod(), absolute, headers, requestBody);
        requests.add(new RecordedRequest(exchange.getRequestMethod(), received.getRawPath(),
                received.getRawQuery(), headers, rejection));

        Response reply = rejection
                .map(reason -> new Response(403, "application/json", "{\"message\":\"" + jsonEscape(reason) + "\"}"))
                .orElse(response);
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String jsonEscape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
