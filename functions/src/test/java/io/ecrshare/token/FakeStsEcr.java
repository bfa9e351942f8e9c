package io.ecrshare.token;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ecrshare.aws.AwsClients;
import io.ecrshare.testsupport.LoopbackTls;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback STS (query protocol, XML) and ECR (JSON 1.1) for what moto cannot do: token and credential
 * expiries relative to a clock the test controls (moto's tokens expired in 2015), injected throttling and
 * failures, unique secrets per call (so tests can look for them in the logs), and a record of the session
 * names and credentials used.
 */
public final class FakeStsEcr implements AutoCloseable {

    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Clock clock;
    private final AtomicInteger counter = new AtomicInteger();
    private final Map<String, Deque<Fault>> faults = new HashMap<>();
    volatile Duration credentialsLifetime = Duration.ofHours(1);
    volatile Duration tokenLifetime = Duration.ofHours(12);

    final List<String> sessionNames = new CopyOnWriteArrayList<>();
    final List<Integer> durations = new CopyOnWriteArrayList<>();
    /** Every secret handed out: access keys, secret keys, session tokens, passwords, base64 tokens. */
    final List<String> secrets = new CopyOnWriteArrayList<>();
    final List<String> passwords = new CopyOnWriteArrayList<>();
    /** When set, every GetAuthorizationToken hands out this password (a test's registry must know it). */
    public volatile String fixedPassword;
    /** The access key each ECR call was signed with (from the Authorization header). */
    final List<String> ecrAccessKeys = new CopyOnWriteArrayList<>();
    final List<String> issuedAccessKeys = new CopyOnWriteArrayList<>();
    public final AtomicInteger stsCalls = new AtomicInteger();
    public final AtomicInteger ecrCalls = new AtomicInteger();

    private record Fault(int status, String code) {
    }

    static {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet delayed ACKs: ~40 ms a call.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    public FakeStsEcr(Clock clock) throws IOException {
        this(clock, false);
    }

    /** @param https answer over HTTPS with {@link LoopbackTls}'s certificate (the SDK must trust it) */
    public FakeStsEcr(Clock clock, boolean https) throws IOException {
        this.clock = clock;
        server = LoopbackTls.server(https);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    public String endpoint() {
        return LoopbackTls.endpoint(server);
    }

    public AwsClients clients(int maxAttempts) {
        return new AwsClients(Map.of("AWS_REGION", REGION, "AWS_ENDPOINT_URL", endpoint()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFUNCTIONROLE0001", "function-secret-key")))
                .withMaxAttempts(maxAttempts);
    }

    /** The next {@code times} calls to "STS" or "ECR" fail with this status and error code. */
    synchronized FakeStsEcr fail(String service, int status, String code, int times) {
        Deque<Fault> queue = faults.computeIfAbsent(service, k -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(new Fault(status, code));
        }
        return this;
    }

    private synchronized Fault nextFault(String service) {
        Deque<Fault> queue = faults.get(service);
        return queue == null ? null : queue.poll();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (exchange.getRequestHeaders().getFirst("X-Amz-Target") != null) {
                ecr(exchange);
            } else {
                sts(exchange);
            }
        }
    }

    private void sts(HttpExchange exchange) throws IOException {
        stsCalls.incrementAndGet();
        Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Fault fault = nextFault("STS");
        if (fault != null) {
            reply(exchange, fault.status, "text/xml", "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
                    + "<Type>Sender</Type><Code>" + fault.code + "</Code><Message>injected " + fault.code + "</Message></Error>"
                    + "<RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>");
            return;
        }
        if (!"AssumeRole".equals(form.get("Action"))) {
            reply(exchange, 400, "text/xml", "<ErrorResponse><Error><Code>InvalidAction</Code><Message>only AssumeRole</Message></Error></ErrorResponse>");
            return;
        }
        int n = counter.incrementAndGet();
        String session = form.get("RoleSessionName");
        sessionNames.add(session);
        durations.add(Integer.parseInt(form.getOrDefault("DurationSeconds", "3600")));
        String accessKey = String.format("ASIAFAKESESSION%05d", n);
        String secretKey = "fake-secret-key-" + n + "-" + UUID.randomUUID();
        String sessionToken = "fake-session-token-" + n + "-" + UUID.randomUUID();
        issuedAccessKeys.add(accessKey);
        secrets.addAll(List.of(accessKey, secretKey, sessionToken));
        Instant expiration = clock.instant().plus(credentialsLifetime);
        reply(exchange, 200, "text/xml", "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                + "<AssumeRoleResult><Credentials><AccessKeyId>" + accessKey + "</AccessKeyId>"
                + "<SecretAccessKey>" + secretKey + "</SecretAccessKey><SessionToken>" + sessionToken + "</SessionToken>"
                + "<Expiration>" + expiration + "</Expiration></Credentials>"
                + "<AssumedRoleUser><AssumedRoleId>AROAFAKETOKENROLE:" + session + "</AssumedRoleId>"
                + "<Arn>" + form.get("RoleArn").replace(":iam::", ":sts::").replace(":role/", ":assumed-role/") + "/" + session + "</Arn>"
                + "</AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>" + UUID.randomUUID()
                + "</RequestId></ResponseMetadata></AssumeRoleResponse>");
    }

    private void ecr(HttpExchange exchange) throws IOException {
        ecrCalls.incrementAndGet();
        exchange.getRequestBody().readAllBytes();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.contains("Credential=")) {
            ecrAccessKeys.add(authorization.replaceFirst(".*Credential=([^/]+)/.*", "$1"));
        }
        Fault fault = nextFault("ECR");
        if (fault != null) {
            ObjectNode error = JSON.createObjectNode().put("__type", fault.code).put("message", "injected " + fault.code);
            reply(exchange, fault.status, "application/x-amz-json-1.1", error.toString());
            return;
        }
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (!target.endsWith(".GetAuthorizationToken")) {
            reply(exchange, 400, "application/x-amz-json-1.1", "{\"__type\":\"UnknownOperationException\"}");
            return;
        }
        int n = counter.incrementAndGet();
        String password = fixedPassword != null ? fixedPassword : "fake-ecr-password-" + n + "-" + UUID.randomUUID();
        String token = Base64.getEncoder().encodeToString(("AWS:" + password).getBytes(StandardCharsets.UTF_8));
        passwords.add(password);
        secrets.addAll(List.of(password, token));
        ObjectNode body = JSON.createObjectNode();
        body.putArray("authorizationData").addObject()
                .put("authorizationToken", token)
                .put("expiresAt", clock.instant().plus(tokenLifetime).toEpochMilli() / 1000.0)
                .put("proxyEndpoint", "https://" + ACCOUNT + ".dkr.ecr." + REGION + ".amazonaws.com");
        reply(exchange, 200, "application/x-amz-json-1.1", body.toString());
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** STS plus ECR calls answered so far (benchmarks count API calls per request with it). */

    /** Every password handed out, in order. */
    public List<String> passwords() {
        return List.copyOf(passwords);
    }

    List<String> allSecrets() {
        return new ArrayList<>(secrets);
    }
}
