package io.ecrshare.bench;

import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.config.ShareConfig;
import io.ecrshare.share.Action;
import io.ecrshare.share.ReconcileReport;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.CountingRegistry;
import io.ecrshare.testsupport.FakeEcr;
import io.ecrshare.testsupport.GeneratedRegistry;
import io.ecrshare.testsupport.MotoServer;
import io.ecrshare.testsupport.TestConfig;
import io.ecrshare.wiring.SharingComponents;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.Tag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reconcile over generated registries (a sixth of the repositories in each state of {@link GeneratedRegistry}):
 * wall time, API calls per repository and writes, for a first run and a second run (everything already
 * converged). Against moto, at the reconcile's default concurrency; and against the loopback ECR with a
 * per-call latency like a real ECR round trip, at several concurrencies, to show what concurrency buys.
 * Part of {@link BenchmarkSuite}; alone: {@code mvn -f functions/pom.xml -Pbench test-compile exec:java
 * -Dbench.main=io.ecrshare.bench.ReconcileBenchmark -Dbench.args="1000 10000"}
 */
public final class ReconcileBenchmark {

    record Row(String backend, int size, int concurrency, String run, long millis, int calls, int writes, int failures,
               int connections, Map<String, Integer> byOperation) {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (String arg : args.length == 0 ? new String[]{"1000", "10000"} : args) {
            sizes.add(Integer.parseInt(arg));
        }
        System.out.print(table(moto(sizes, line -> System.out.println(line))).markdown());
        System.exit(0);
    }

    /** moto, default concurrency (8): seeding is not measured. */
    static List<Row> moto(List<Integer> sizes, java.util.function.Consumer<String> progress) throws Exception {
        MotoServer moto = MotoServer.shared();
        Map<String, String> env = TestConfig.env();
        ShareConfig config = ShareConfig.fromEnvironment(env);
        List<Row> rows = new ArrayList<>();
        for (int size : sizes) {
            moto.reset();
            try (EcrClient ecr = moto.clients().ecr()) {
                long seedStart = System.nanoTime();
                seed(ecr, config, GeneratedRegistry.repositories(size));
                progress.accept(String.format("  moto: seeded %d repositories in %d s", size, (System.nanoTime() - seedStart) / 1_000_000_000));
                CountingRegistry registry = new CountingRegistry(new EcrRepositoryRegistry(ecr));
                SharingComponents components = TestConfig.components(env, registry, new CapturedOutput(), "reconcile",
                        new TestConfig.RecordingSleeper());
                for (String run : List.of("first run", "second run")) {
                    registry.reset();
                    long start = System.nanoTime();
                    ReconcileReport report = components.reconciler().run(false, "benchmark");
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    Map<String, Integer> ops = registry.snapshot();
                    rows.add(new Row("moto", size, components.settings().reconcileConcurrency(), run, millis,
                            ops.values().stream().mapToInt(Integer::intValue).sum(), registry.writes(),
                            report.totals().getOrDefault(Action.FAILED, 0), -1, ops));
                    progress.accept("  " + format(rows.get(rows.size() - 1)));
                }
            }
        }
        return rows;
    }

    /** The loopback ECR with {@code latency} per call; calls and connections counted at the server. */
    static List<Row> loopback(int size, Duration latency, List<Integer> concurrencies, java.util.function.Consumer<String> progress)
            throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int concurrency : concurrencies) {
            Map<String, String> env = new HashMap<>(TestConfig.env());
            env.put("RECONCILE_CONCURRENCY", String.valueOf(concurrency));
            ShareConfig config = ShareConfig.fromEnvironment(env);
            try (FakeEcr ecr = new FakeEcr(latency)) {
                GeneratedRegistry.create(GeneratedRegistry.repositories(size), config, ecr::repository);
                CountingRegistry registry = new CountingRegistry(new EcrRepositoryRegistry(ecr.clients().ecr()));
                SharingComponents components = TestConfig.components(env, registry, new CapturedOutput(), "reconcile",
                        new TestConfig.RecordingSleeper());
                for (String run : List.of("first run", "second run")) {
                    registry.reset();
                    ecr.resetCalls();
                    long start = System.nanoTime();
                    ReconcileReport report = components.reconciler().run(false, "benchmark");
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    Map<String, Integer> ops = ecr.callCounts();
                    rows.add(new Row("loopback ECR, " + latency.toMillis() + " ms/call", size, concurrency, run, millis,
                            ops.values().stream().mapToInt(Integer::intValue).sum(), registry.writes(),
                            report.totals().getOrDefault(Action.FAILED, 0), ecr.connections(), ops));
                    progress.accept("  " + format(rows.get(rows.size() - 1)));
                }
            }
        }
        return rows;
    }

    /** Creates the repositories in parallel (moto is the bottleneck either way). */
    static void seed(EcrClient ecr, ShareConfig config, List<GeneratedRegistry.Repository> repositories) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        GeneratedRegistry.create(repositories, config, (name, tags, policy) -> futures.add(pool.submit(() -> {
            ecr.createRepository(r -> r.repositoryName(name).tags(tags.entrySet().stream()
                    .map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList()));
            if (policy != null) {
                ecr.setRepositoryPolicy(r -> r.repositoryName(name).policyText(policy));
            }
        })));
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
    }

    private static String format(Row r) {
        return String.format("%s, %d repositories, concurrency %d, %s: %d ms, %.3f calls/repo, %d writes, %d failures %s",
                r.backend(), r.size(), r.concurrency(), r.run(), r.millis(), r.calls() / (double) r.size(), r.writes(),
                r.failures(), r.byOperation());
    }

    static Table table(List<Row> rows) {
        Table table = new Table("backend", "repositories", "concurrency", "run", "wall s", "repositories / s",
                "API calls / repository", "writes", "failures", "TCP connections", "calls by operation");
        for (Row r : rows) {
            table.row(r.backend(), r.size(), r.concurrency(), r.run(), String.format("%.1f", r.millis() / 1000.0),
                    String.format("%.0f", r.size() * 1000.0 / Math.max(1, r.millis())),
                    String.format("%.3f", r.calls() / (double) r.size()), r.writes(), r.failures(),
                    r.connections() < 0 ? "n/a" : String.valueOf(r.connections()), r.byOperation().toString().replace("=", " "));
        }
        return table;
    }
}
