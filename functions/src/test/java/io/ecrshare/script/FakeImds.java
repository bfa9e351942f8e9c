package io.ecrshare.script;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Loopback IMDSv2: hands out a session token on PUT /latest/api/token and serves one instance role
 * with session credentials, answering 401 to any GET that lacks the token, like the real service.
 */
final class FakeImds implements AutoCloseable {

    static final String SESSION_TOKEN = "AQAEAFakeImdsSessionToken==";
    static final String ROLE = "ecr-share-consumer";
    private static final String CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/";

    /** A request as "METHOD path", with whether it carried the IMDSv2 session token. */
    record RecordedRequest(String requestLine, boolean hadSessionToken) {}

    private final HttpServer server;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final String accessKeyId;
    private final String secretAccessKey;
    private final String sessionToken;
    private final java.util.concurrent.atomic.AtomicInteger notReady = new java.util.concurrent.atomic.AtomicInteger();

    FakeImds(String accessKeyId, String secretAccessKey, String sessionToken) throws IOException {
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.sessionToken = sessionToken;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * The next {@code times} requests for the role list answer 404, as IMDS does while an instance
     * profile attached at launch is not yet associated (EC2 user guide, "Retrieve security credentials
     * from instance metadata": the path exists only once a role is available).
     */
    FakeImds notReadyFor(int times) {
        notReady.set(times);
        return this;
    }

    List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        boolean hasToken = SESSION_TOKEN.equals(exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"));
        requests.add(new RecordedRequest(method + " " + path, hasToken));

        if (method.equals("PUT") && path.equals("/latest/api/token")) {
            boolean hasTtl = exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds") != null;
            reply(exchange, hasTtl ? 200 : 400, hasTtl ? SESSION_TOKEN : "");
        } else if (!method.equals("GET") || !hasToken) {
            reply(exchange, 401, "");
        } else if (path.equals(CREDENTIALS_PATH)) {
            boolean ready = notReady.getAndUpdate(n -> Math.max(0, n - 1)) == 0;
            reply(exchange, ready ? 200 : 404, ready ? ROLE : "");
        } else if (path.equals(CREDENTIALS_PATH + ROLE)) {
            // Pretty-printed like the real service, so the script's line-based parsing is exercised.
            reply(exchange, 200, """
                    {
                      "Code" : "Success",
                      "LastUpdated" : "2025-01-01T00:00:00Z",
                      "Type" : "AWS-HMAC",
                      "AccessKeyId" : "%s",
                      "SecretAccessKey" : "%s",
                      "Token" : "%s",
                      "Expiration" : "2099-01-01T06:00:00Z"
                    }
                    """.formatted(accessKeyId, secretAccessKey, sessionToken));
        } else {
            reply(exchange, 404, "");
        }
    }

    /** Also the other loopback credential fakes' way of answering. */
    static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
