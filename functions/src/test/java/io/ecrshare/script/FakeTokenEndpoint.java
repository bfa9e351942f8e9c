package io.ecrshare.script;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Loopback stand-in for the ecr-share API stage: serves GET /prod/token, optionally throttles like
 * an API Gateway stage (token bucket), rejects requests whose SigV4 signature does not verify with
 * API Gateway's 403 body, and otherwise answers with a configured response (queued responses first)
 * or hands the verified request to a backend (the real TokenHandler, see {@link RealTokenBackend}).
 * Every request is recorded.
 */
final class FakeTokenEndpoint implements AutoCloseable {

    static final String STAGE = "/prod";

    record RecordedRequest(String method, String path, String rawQuery,
                           Map<String, List<String>> headers, Optional<String> rejectionReason, int status) {
        boolean signatureValid() {
            return rejectionReason.isEmpty();
        }

        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }

        /** The access key ID of the SigV4 Authorization header. */
        String accessKeyId() {
            String authorization = header("authorization");
            return authorization == null ? null : authorization.replaceFirst(".*Credential=([^/]+)/.*", "$1");
        }
    }

    record Response(int status, String contentType, String body, Map<String, String> headers) {
        Response(int status, String contentType, String body) {
            this(status, contentType, body, Map.of());
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final SigV4Verifier verifier;
    private final Clock clock;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Deque<Response> queued = new ArrayDeque<>();
    private volatile Response response;
    private volatile Function<RecordedRequest, Response> backend;
    private volatile TokenBucket throttle;

    FakeTokenEndpoint(SigV4Verifier verifier) throws IOException {
        this(verifier, Clock.systemUTC());
    }

    FakeTokenEndpoint(SigV4Verifier verifier, Clock clock) throws IOException {
        this.verifier = verifier;
        this.clock = clock;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1000);
        server.createContext(STAGE + "/token", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The stage URL, as the script receives it in --endpoint. */
    String endpointUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + STAGE;
    }

    /** Answers 200 in the endpoint's format=json shape with this password, valid for an hour. */
    void respondWithPassword(String password) {
        response = tokenResponse(password, clock.instant().plus(1, ChronoUnit.HOURS));
    }

    void respondWith(int status, String jsonBody) {
        response = new Response(status, "application/json", jsonBody);
    }

    /** The next requests get these answers, in order; then the configured response again. */
    synchronized void queue(Response... responses) {
        queued.addAll(List.of(responses));
    }

    /** Verified requests are answered by {@code backend} instead of the configured response. */
    void answerWith(Function<RecordedRequest, Response> backend) {
        this.backend = backend;
    }

    /**
     * Throttles like an API Gateway stage: a token bucket of {@code burst} tokens refilled at
     * {@code ratePerSecond}; a request that finds it empty gets 429 {"message":"Too Many Requests"}
     * and no Retry-After (API Gateway developer guide, "Throttle requests to your REST APIs").
     */
    void throttle(double ratePerSecond, int burst) {
        throttle = new TokenBucket(ratePerSecond, burst);
    }

    List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The body the real endpoint sends for format=json (TokenService, ApiResponse.tokens). */
    static Response tokenResponse(String password, Instant expiresAt) {
        String token = Base64.getEncoder().encodeToString(("AWS:" + password).getBytes(StandardCharsets.UTF_8));
        return new Response(200, "application/json", "{\"authorizationData\":[{\"registryId\":\"123456789012\","
                + "\"proxyEndpoint\":\"https://123456789012.dkr.ecr.us-east-1.amazonaws.com\",\"username\":\"AWS\","
                + "\"password\":\"" + password + "\",\"authorizationToken\":\"" + token + "\",\"expiresAt\":\""
                + expiresAt.truncatedTo(ChronoUnit.SECONDS) + "\"}]}");
    }

    private synchronized Response nextQueued() {
        return queued.poll();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
        URI received = exchange.getRequestURI();
        byte[] requestBody = exchange.getRequestBody().readAllBytes();
        TokenBucket bucket = throttle;
        Response reply;
        Optional<String> rejection = Optional.empty();
        if (bucket != null && !bucket.tryTake()) {
            reply = new Response(429, "application/json", "{\"message\":\"Too Many Requests\"}");
        } else {
            URI absolute = URI.create("http://" + headers.get("host").get(0) + received.getRawPath()
                    + (received.getRawQuery() == null ? "" : "?" + received.getRawQuery()));
            rejection = verifier.rejectionReason(exchange.getRequestMethod(), absolute, headers, requestBody);
            if (rejection.isPresent()) {
                reply = new Response(403, "application/json", "{\"message\":\"" + jsonEscape(rejection.get()) + "\"}");
            } else {
                Response next = nextQueued();
                Function<RecordedRequest, Response> answer = backend;
                reply = next != null ? next
                        : answer != null ? answer.apply(new RecordedRequest(exchange.getRequestMethod(),
                                received.getRawPath(), received.getRawQuery(), headers, rejection, 0))
                        : response;
            }
        }
        requests.add(new RecordedRequest(exchange.getRequestMethod(), received.getRawPath(),
                received.getRawQuery(), headers, rejection, reply.status()));

        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
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
        executor.shutdownNow();
    }

    /** API Gateway's throttling model: bucket of {@code burst}, refilled continuously at {@code rate}. */
    private static final class TokenBucket {
        private final double rate;
        private final double burst;
        private double tokens;
        private long last = System.nanoTime();

        TokenBucket(double rate, int burst) {
            this.rate = rate;
            this.burst = burst;
            this.tokens = burst;
        }

        synchronized boolean tryTake() {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
