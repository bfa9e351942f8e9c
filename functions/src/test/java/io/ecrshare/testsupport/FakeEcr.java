package io.ecrshare.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ecrshare.aws.AwsClients;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback ECR (JSON 1.1 protocol) for what moto cannot do: it validates policies the way real ECR does
 * (10,240 characters, no Resource element, principals must exist), re-formats stored policy text, and
 * injects throttling, server errors and repositories that vanish mid-sweep on demand. It counts calls.
 */
public final class FakeEcr implements AutoCloseable {

    public static final String ACCOUNT = "123456789012";
    public static final String REGION = "us-east-1";
    private static final String TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921.";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ACCOUNT_IN_ARN = Pattern.compile("arn:[a-z-]+:iam::(\\d{12}):.*");

    private final HttpServer server;
    private final Map<String, Repo> repositories = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<String, Deque<String>> faults = new ConcurrentHashMap<>();
    private final Set<String> existingAccounts = ConcurrentHashMap.newKeySet();
    private volatile int principalNotFoundCountdown;
    private final Set<String> rejectedRepositories = ConcurrentHashMap.newKeySet();
    private volatile String vanishOnOperation;
    private final long latencyMillis;
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

    private static final class Repo {
        final Map<String, String> tags = new TreeMap<>();
        volatile String policy;
    }

    static {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet delayed ACKs: 40 ms a call.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    public FakeEcr() throws IOException {
        this(Duration.ZERO);
    }

    /**
     * @param latency added to every answer, like a real ECR round trip (~15 ms), so benchmarks can show what
     *                concurrency buys; with a latency the server answers any number of calls at once
     */
    public FakeEcr(Duration latency) throws IOException {
        this(latency, false);
    }

    /** @param https answer over HTTPS with {@link LoopbackTls}'s certificate (the SDK must trust it) */
    public FakeEcr(Duration latency, boolean https) throws IOException {
        this.latencyMillis = latency.toMillis();
        server = LoopbackTls.server(https);
        server.createContext("/", this::handle);
        server.setExecutor(latencyMillis > 0 ? Executors.newCachedThreadPool() : Executors.newFixedThreadPool(8));
        server.start();
    }

    public String endpoint() {
        return LoopbackTls.endpoint(server);
    }

    public AwsClients clients() {
        return new AwsClients(Map.of("AWS_REGION", REGION, "AWS_ENDPOINT_URL", endpoint()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
    }

    // ---- setup -------------------------------------------------------------------------------------------

    public FakeEcr repository(String name, Map<String, String> tags, String policy) {
        Repo repo = new Repo();
        repo.tags.putAll(tags);
        repo.policy = policy == null ? null : reformat(policy);
        repositories.put(name, repo);
        return this;
    }

    /** Accounts whose principals exist; when none are registered every principal exists. */
    public FakeEcr accountsExist(String... accounts) {
        existingAccounts.addAll(List.of(accounts));
        return this;
    }

    /** The next {@code times} SetRepositoryPolicy calls fail with "Principal not found" (IAM propagating). */
    public FakeEcr principalNotFound(int times) {
        principalNotFoundCountdown = times;
        return this;
    }

    /** Every SetRepositoryPolicy on this repository is rejected as invalid (a permanent error). */
    public FakeEcr rejectPolicyFor(String repository) {
        rejectedRepositories.add(repository);
        return this;
    }

    /** The next {@code times} calls of the operation fail with the given error code (e.g. ThrottlingException). */
    public FakeEcr fail(String operation, String errorCode, int times) {
        Deque<String> queue = faults.computeIfAbsent(operation, k -> new ArrayDeque<>());
        synchronized (queue) {
            for (int i = 0; i < times; i++) {
                queue.add(errorCode);
            }
        }
        return this;
    }

    /** The repository is deleted just before its next call of the operation is answered. */
    public FakeEcr vanishOn(String operation, String repository) {
        vanishOnOperation = operation + "|" + repository;
        return this;
    }

    // ---- inspection --------------------------------------------------------------------------------------

    public String policy(String repository) {
        Repo repo = repositories.get(repository);
        return repo == null ? null : repo.policy;
    }

    public boolean exists(String repository) {
        return repositories.containsKey(repository);
    }

    public int calls(String operation) {
        AtomicInteger n = calls.get(operation);
        return n == null ? 0 : n.get();
    }


    /** Calls per operation since the last reset. */
    public Map<String, Integer> callCounts() {
        Map<String, Integer> copy = new TreeMap<>();
        calls.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** Distinct client TCP connections seen since the last reset (keep-alive reuse shows as few). */
    public int connections() {
        return clientPorts.size();
    }

    public void resetCalls() {
        calls.clear();
        clientPorts.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    // ---- protocol ----------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            if (latencyMillis > 0) {
                try {
                    Thread.sleep(latencyMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            answer(exchange);
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        try {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (target == null || !target.startsWith(TARGET_PREFIX)) {
                reply(exchange, 400, error("UnknownOperationException", "missing X-Amz-Target"));
                return;
            }
            String operation = target.substring(TARGET_PREFIX.length());
            calls.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String fault = nextFault(operation);
            if (fault != null) {
                int status = fault.startsWith("Server") || fault.startsWith("InternalFailure") ? 500 : 400;
                reply(exchange, status, error(fault, "injected " + fault));
                return;
            }
            String name = request.has("repositoryName") ? request.get("repositoryName").asText()
                    : request.has("resourceArn") ? request.get("resourceArn").asText().replaceFirst(".*:repository/", "") : null;
            if (vanishOnOperation != null && name != null && vanishOnOperation.equals(operation + "|" + name)) {
                repositories.remove(name);
                vanishOnOperation = null;
            }
            ObjectNode response = switch (operation) {
                case "ListTagsForResource" -> listTags(name);
                case "GetRepositoryPolicy" -> getPolicy(name);
                case "SetRepositoryPolicy" -> setPolicy(name, request.path("policyText").asText());
                case "DeleteRepositoryPolicy" -> deletePolicy(name);
                case "DescribeRepositories" -> describe(request);
                case "TagResource" -> tagResource(name, request.path("tags"));
                default -> throw new Failure("UnknownOperationException", "not supported by FakeEcr: " + operation);
            };
            reply(exchange, 200, response);
        } catch (Failure f) {
            reply(exchange, 400, error(f.code, f.getMessage()));
        }
    }

    private String nextFault(String operation) {
        Deque<String> queue = faults.get(operation);
        if (queue == null) {
            return null;
        }
        synchronized (queue) {
            return queue.poll();
        }
    }

    private Repo repo(String name) {
        Repo repo = name == null ? null : repositories.get(name);
        if (repo == null) {
            throw new Failure("RepositoryNotFoundException", "The repository with name '" + name
                    + "' does not exist in the registry with id '" + ACCOUNT + "'");
        }
        return repo;
    }

    private ObjectNode listTags(String name) {
        Repo repo = repo(name);
        ObjectNode response = JSON.createObjectNode();
        ArrayNode tags = response.putArray("tags");
        synchronized (repo) {
            repo.tags.forEach((k, v) -> tags.addObject().put("Key", k).put("Value", v));
        }
        return response;
    }

    /** ECR API Reference, TagResource: at most 50 tags, keys up to 128 and values up to 256 characters. */
    private ObjectNode tagResource(String name, JsonNode tags) {
        Repo repo = repo(name);
        synchronized (repo) {
            Map<String, String> updated = new TreeMap<>(repo.tags);
            for (JsonNode tag : tags) {
                String key = tag.path("Key").asText();
                String value = tag.path("Value").asText();
                if (key.isEmpty() || key.length() > 128 || value.length() > 256) {
                    throw new Failure("InvalidParameterException", "Invalid parameter at 'tags' failed to satisfy constraint");
                }
                updated.put(key, value);
            }
            if (updated.size() > 50) {
                throw new Failure("TooManyTagsException", "The repository would have more than 50 tags");
            }
            repo.tags.clear();
            repo.tags.putAll(updated);
        }
        return JSON.createObjectNode();
    }

    /** The repository's tags as stored (tests read the write marker). */
    public Map<String, String> tags(String repository) {
        return Map.copyOf(repo(repository).tags);
    }

    private ObjectNode getPolicy(String name) {
        Repo repo = repo(name);
        if (repo.policy == null) {
            throw new Failure("RepositoryPolicyNotFoundException", "Repository policy does not exist for the repository with name '"
                    + name + "' in the registry with id '" + ACCOUNT + "'");
        }
        return JSON.createObjectNode().put("registryId", ACCOUNT).put("repositoryName", name).put("policyText", repo.policy);
    }

    private ObjectNode setPolicy(String name, String text) {
        Repo repo = repo(name);
        if (text.length() > 10_240) {
            throw new Failure("InvalidParameterException", "Invalid parameter at 'PolicyText' failed to satisfy constraint: "
                    + "'Member must have length less than or equal to 10240'");
        }
        JsonNode policy;
        try {
            policy = JSON.readTree(text);
        } catch (IOException e) {
            throw new Failure("InvalidParameterException", "Invalid parameter at 'PolicyText' failed to satisfy constraint: "
                    + "'Invalid repository policy provided'");
        }
        for (JsonNode statement : policy.path("Statement")) {
            if (statement.has("Resource")) {
                throw new Failure("InvalidParameterException", "Invalid parameter at 'PolicyText' failed to satisfy constraint: "
                        + "'Invalid repository policy provided'");
            }
            for (String principal : awsPrincipals(statement)) {
                if (!principalExists(principal)) {
                    throw new Failure("InvalidParameterException",
                            "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Principal not found'");
                }
            }
        }
        if (principalNotFoundCountdown > 0 || rejectedRepositories.contains(name)) {
            principalNotFoundCountdown = Math.max(0, principalNotFoundCountdown - 1);
            throw new Failure("InvalidParameterException",
                    "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Principal not found'");
        }
        repo.policy = reformat(text);
        return JSON.createObjectNode().put("registryId", ACCOUNT).put("repositoryName", name).put("policyText", repo.policy);
    }

    private ObjectNode deletePolicy(String name) {
        Repo repo = repo(name);
        if (repo.policy == null) {
            throw new Failure("RepositoryPolicyNotFoundException", "Repository policy does not exist");
        }
        String old = repo.policy;
        repo.policy = null;
        return JSON.createObjectNode().put("registryId", ACCOUNT).put("repositoryName", name).put("policyText", old);
    }

    private ObjectNode describe(JsonNode request) {
        int max = request.path("maxResults").asInt(100);
        if (max < 1 || max > 1000) {
            throw new Failure("InvalidParameterException", "maxResults must be between 1 and 1000");
        }
        List<String> names = new ArrayList<>(new TreeMap<>(repositories).keySet());
        int start = request.hasNonNull("nextToken") ? Integer.parseInt(request.get("nextToken").asText()) : 0;
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("repositories");
        int end = Math.min(names.size(), start + max);
        for (String name : names.subList(Math.min(start, names.size()), end)) {
            list.addObject().put("repositoryName", name).put("registryId", ACCOUNT)
                    .put("repositoryArn", "arn:aws:ecr:" + REGION + ":" + ACCOUNT + ":repository/" + name);
        }
        if (end < names.size()) {
            response.put("nextToken", String.valueOf(end));
        }
        return response;
    }

    private boolean principalExists(String principal) {
        if (existingAccounts.isEmpty() || "*".equals(principal)) {
            return true;
        }
        Matcher m = ACCOUNT_IN_ARN.matcher(principal);
        return m.matches() && existingAccounts.contains(m.group(1)) && principal.endsWith(":root");
    }

    private static Set<String> awsPrincipals(JsonNode statement) {
        Set<String> result = new HashSet<>();
        JsonNode principal = statement.path("Principal");
        if (principal.isTextual()) {
            result.add(principal.asText());
        }
        JsonNode aws = principal.path("AWS");
        if (aws.isTextual()) {
            result.add(aws.asText());
        }
        aws.forEach(p -> result.add(p.asText()));
        return result;
    }

    /** Real ECR stores policies pretty-printed, not as sent: compare parsed JSON, never text. */
    private static String reformat(String text) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(text));
        } catch (IOException e) {
            return text;
        }
    }

    private static ObjectNode error(String code, String message) {
        return JSON.createObjectNode().put("__type", code).put("message", message);
    }

    private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static final class Failure extends RuntimeException {
        final String code;

        Failure(String code, String message) {
            super(message);
            this.code = code;
        }
    }
}
