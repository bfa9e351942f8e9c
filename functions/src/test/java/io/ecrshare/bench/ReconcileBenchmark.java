package io.ecrshare.bench;

import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.config.ShareConfig;
import io.ecrshare.reconcile.ReconcileReport;
import io.ecrshare.share.Action;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.CountingRegistry;
import io.ecrshare.testsupport.GeneratedRegistry;
import io.ecrshare.testsupport.MotoServer;
import io.ecrshare.testsupport.TestConfig;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reconcile over generated registries in moto: wall time, API calls per repository and writes, for a first
 * run (a sixth of the repositories in each state) and a second run (everything already converged).
 * Usage: {@code mvn -f functions/pom.xml -Pbench exec:java -Dbench.main=io.ecrshare.bench.ReconcileBenchmark -Dbench.args="1000 10000"}
 */
public final class ReconcileBenchmark {

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (String arg : args.length == 0 ? new String[]{"1000", "10000"} : args) {
            sizes.add(Integer.parseInt(arg));
        }
        MotoServer moto = MotoServer.shared();
        Map<String, String> env = TestConfig.env();
        ShareConfig config = ShareConfig.fromEnvironment(env);
        System.out.println(Row.header());
        for (int size : sizes) {
            moto.reset();
            try (EcrClient ecr = moto.clients().ecr()) {
                seed(ecr, config, GeneratedRegistry.repositories(size));
                CountingRegistry registry = new CountingRegistry(new EcrRepositoryRegistry(ecr));
                var components = TestConfig.components(env, registry, new CapturedOutput(), "reconcile",
                        new TestConfig.RecordingSleeper());
                for (String run : List.of("first run", "second run")) {
                    registry.reset();
                    long start = System.nanoTime();
                    ReconcileReport report = components.reconciler().run(false, "benchmark");
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    System.out.println(new Row(size, run, millis, registry, report).format());
                }
            }
        }
        System.exit(0);
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

    private record Row(int size, String run, long millis, CountingRegistry registry, ReconcileReport report) {
        static String header() {
            return String.format("%-12s %-11s %10s %14s %12s %8s %9s %s", "repositories", "run", "wall ms",
                    "repos/second", "calls/repo", "writes", "failures", "calls");
        }

        String format() {
            int calls = registry.snapshot().values().stream().mapToInt(Integer::intValue).sum();
            return String.format("%-12d %-11s %10d %14.0f %12.3f %8d %9d %s", size, run, millis,
                    size * 1000.0 / Math.max(1, millis), calls / (double) size, registry.writes(),
                    report.totals().getOrDefault(Action.FAILED, 0), registry.snapshot());
        }
    }
}
