package io.ecrshare.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.config.FunctionConfig;
import io.ecrshare.config.ShareConfig;
import io.ecrshare.enforce.EnforceHandler;
import io.ecrshare.grant.GrantHandler;
import io.ecrshare.observability.EmbeddedMetrics;
import io.ecrshare.observability.JsonLog;
import io.ecrshare.policy.ManagedStatements;
import io.ecrshare.share.CorrectionNotifier;
import io.ecrshare.share.Sleeper;
import io.ecrshare.testsupport.FakeEcr;
import io.ecrshare.testsupport.GeneratedRegistry;
import io.ecrshare.testsupport.ProjectFiles;
import io.ecrshare.testsupport.TestConfig;
import io.ecrshare.token.FakeStsEcr;
import io.ecrshare.token.TokenCache;
import io.ecrshare.tokenapi.TokenHandler;
import io.ecrshare.wiring.SharingComponents;
import io.ecrshare.wiring.TokenComponents;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Warm latency per function and case in one JVM, after a warm-up: handlers built with their test
 * constructors, wired to loopback servers that count every HTTP request they answer (so SDK retries would
 * show), logs and metrics written to a null stream so console I/O does not dominate.
 */
final class WarmBenchmark {

    record Case(String function, String name, RequestStreamHandler handler, IntFunction<byte[]> event, IntConsumerSetup setup,
                Supplier<Map<String, Integer>> calls, String expect, String expectedCalls) {
    }

    @FunctionalInterface
    interface IntConsumerSetup {
        void before(int i);
    }

    record Result(Case c, Stats micros, double callsPerEvent, Map<String, Double> perOperation) {
    }

    private final int warmup;
    private final int events;

    WarmBenchmark(int warmup, int events) {
        this.warmup = warmup;
        this.events = events;
    }

    List<Result> run() throws Exception {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        Clock clock = Clock.systemUTC();
        Map<String, String> env = new HashMap<>(TestConfig.env());
        ShareConfig config = ShareConfig.fromEnvironment(env);
        ManagedStatements managed = new ManagedStatements(config.consumers());
        Map<String, String> tagged = Map.of(config.tag().key(), config.tag().value());
        String compliant = GeneratedRegistry.initialPolicy(GeneratedRegistry.Kind.COMPLIANT, managed);
        String drifted = GeneratedRegistry.initialPolicy(GeneratedRegistry.Kind.DRIFTED, managed);
        int total = warmup + events;

        List<Result> results = new ArrayList<>();
        try (FakeEcr ecr = new FakeEcr(); FakeStsEcr sts = new FakeStsEcr(clock)) {
            GrantHandler grant = new GrantHandler(components(config, ecr, env, nowhere, "grant"));
            EnforceHandler enforce = new EnforceHandler(components(config, ecr, env, nowhere, "enforce"));
            Map<String, String> tokenEnv = new HashMap<>(env);
            tokenEnv.put(FunctionConfig.TOKEN_ROLE_ARN, "arn:aws:iam::123456789012:role/ecr-share-TokenMintingRole-ABCDEF123456");
            TokenHandler token = new TokenHandler(TokenComponents.create(FunctionConfig.fromEnvironment(tokenEnv), sts.clients(2), clock,
                    new JsonLog(nowhere, clock, "token"), new EmbeddedMetrics(nowhere, clock, "token"), TokenCache.DEFAULT_MAX_ENTRIES));

            String grantTagged = ProjectFiles.eventText("grant-create-repository-tagged.json");
            String grantUntagged = ProjectFiles.eventText("grant-create-repository-untagged.json");
            String enforceByPerson = ProjectFiles.eventText("enforce-set-repository-policy-by-person.json");
            byte[] ownRole = ProjectFiles.eventText("enforce-set-repository-policy-own-role.json").getBytes(StandardCharsets.UTF_8);
            String tokenEvent = ProjectFiles.eventText("token-consumer-role.json");

            for (int i = 0; i < total; i++) {
                ecr.repository(newName(i), tagged, null);
            }
            ecr.repository("bench/compliant", tagged, compliant);
            ecr.repository("bench/untagged", Map.of("team", "x"), null);
            ecr.repository("bench/drifted", tagged, drifted);
            Supplier<Map<String, Integer>> ecrCalls = ecr::callCounts;
            Supplier<Map<String, Integer>> tokenCalls = () -> Map.of("AssumeRole", sts.stsCalls.get(),
                    "GetAuthorizationToken", sts.ecrCalls.get());

            List<Case> cases = List.of(
                    new Case("grant", "new tagged repository", grant,
                            i -> bytes(grantTagged.replace("platform/base-image", newName(i))), i -> { }, ecrCalls,
                            "\"granted\"", "2 reads + 1 write"),
                    new Case("grant", "already-compliant repository", grant,
                            i -> bytes(grantTagged.replace("platform/base-image", "bench/compliant")), i -> { }, ecrCalls,
                            "\"unchanged\"", "2 reads"),
                    new Case("grant", "untagged repository", grant,
                            i -> bytes(grantUntagged.replace("payments/internal-tool", "bench/untagged")), i -> { }, ecrCalls,
                            "\"unchanged\"", "2 reads"),
                    new Case("enforce", "drifted repository", enforce,
                            i -> bytes(enforceByPerson.replace("platform/base-image", "bench/drifted")),
                            i -> ecr.repository("bench/drifted", tagged, drifted), ecrCalls, "\"restored\"", "2 reads + 1 write"),
                    new Case("enforce", "already-compliant repository", enforce,
                            i -> bytes(enforceByPerson.replace("platform/base-image", "bench/compliant")), i -> { }, ecrCalls,
                            "\"unchanged\"", "2 reads"),
                    new Case("enforce", "event caused by its own role", enforce, i -> ownRole, i -> { }, ecrCalls,
                            "\"skipped\"", "0"),
                    new Case("token", "cache miss (a new caller)", token,
                            i -> bytes(tokenEvent.replace("puller/i-0abc123def4567890", String.format("puller/bench-%06d", i))),
                            i -> { }, tokenCalls, "\"statusCode\":200", "STS + ECR"),
                    new Case("token", "cache hit (same caller)", token, i -> bytes(tokenEvent), i -> { }, tokenCalls,
                            "\"statusCode\":200", "0"));
            for (Case c : cases) {
                results.add(measure(c));
            }
        }
        return results;
    }

    private static SharingComponents components(ShareConfig config, FakeEcr ecr, Map<String, String> env, PrintStream logs,
                                                String function) {
        return SharingComponents.create(FunctionConfig.fromEnvironment(env), new EcrRepositoryRegistry(ecr.clients().ecr()),
                new JsonLog(logs, Clock.systemUTC(), function), new EmbeddedMetrics(logs, Clock.systemUTC(), function),
                Sleeper.REAL, CorrectionNotifier.NONE);
    }

    private static String newName(int i) {
        return String.format("bench/new-%05d", i);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Result measure(Case c) throws Exception {
        int total = warmup + events;
        byte[][] inputs = new byte[total][];
        for (int i = 0; i < total; i++) {
            inputs[i] = c.event().apply(i);
        }
        Map<String, Integer> before = null;
        List<Long> nanos = new ArrayList<>(events);
        for (int i = 0; i < total; i++) {
            if (i == warmup) {
                before = c.calls().get();
            }
            c.setup().before(i);
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            long start = System.nanoTime();
            c.handler().handleRequest(new ByteArrayInputStream(inputs[i]), out, null);
            long elapsed = System.nanoTime() - start;
            if (i >= warmup) {
                nanos.add(elapsed);
            }
            if (i == 0 || i == total - 1) {
                String response = out.toString(StandardCharsets.UTF_8);
                if (!response.contains(c.expect())) {
                    throw new IllegalStateException(c.function() + " / " + c.name() + ": expected " + c.expect() + " in " + response);
                }
            }
        }
        Map<String, Integer> after = c.calls().get();
        Map<String, Double> perOperation = new TreeMap<>();
        int calls = 0;
        for (Map.Entry<String, Integer> e : after.entrySet()) {
            int n = e.getValue() - before.getOrDefault(e.getKey(), 0);
            calls += n;
            if (n > 0) {
                perOperation.put(e.getKey(), n / (double) events);
            }
        }
        return new Result(c, Stats.of(nanos.stream().map(n -> n / 1000.0).toList()), calls / (double) events, perOperation);
    }

    static Table table(List<Result> results, int events, int warmup) {
        Table table = new Table("function", "case", "events", "p50 ms", "p99 ms", "max ms", "API calls / event",
                "calls by operation / event", "minimum the decision needs");
        for (Result r : results) {
            StringBuilder ops = new StringBuilder();
            r.perOperation().forEach((op, n) -> ops.append(ops.length() == 0 ? "" : ", ").append(op).append(' ')
                    .append(n == Math.rint(n) ? String.valueOf(n.intValue()) : String.format("%.3f", n)));
            table.row(r.c().function(), r.c().name(), events, String.format("%.3f", r.micros().percentile(50) / 1000),
                    String.format("%.3f", r.micros().percentile(99) / 1000), String.format("%.3f", r.micros().max() / 1000),
                    String.format("%.2f", r.callsPerEvent()), ops.length() == 0 ? "none" : ops.toString(),
                    r.c().expectedCalls());
        }
        return table;
    }
}
