package io.ecrshare.token;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrshare.config.FunctionConfig;
import io.ecrshare.observability.EmbeddedMetrics;
import io.ecrshare.observability.JsonLog;
import io.ecrshare.tokenapi.TokenHandler;
import io.ecrshare.tokenapi.TokenPriming;
import io.ecrshare.wiring.TokenComponents;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;

/**
 * Local latency figures for docs/token-endpoint.md, not a test. Run in a fresh JVM:
 * time from JVM start to the first handled request (a cache miss through the real SDK clients against the
 * loopback STS + ECR), optionally after priming ("--primed", what a SnapStart restore starts from), then
 * warm cache-hit latency percentiles.
 */
public final class TokenLatencyBenchmark {

    public static void main(String[] args) throws Exception {
        boolean primed = Arrays.asList(args).contains("--primed");
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        Clock clock = Clock.systemUTC();
        try (FakeStsEcr fake = new FakeStsEcr(clock)) {
            Map<String, String> env = Invocations.env();
            long primingMs = 0;
            if (primed) {
                long p0 = System.nanoTime();
                TokenPriming.prime(FunctionConfig.fromEnvironment(env), env);
                primingMs = (System.nanoTime() - p0) / 1_000_000;
            }
            long t0 = System.nanoTime();
            TokenHandler handler = new TokenHandler(TokenComponents.create(FunctionConfig.fromEnvironment(env), fake.clients(2), clock,
                    new JsonLog(nowhere, clock, "token"), new EmbeddedMetrics(nowhere, clock, "token"), TokenCache.DEFAULT_MAX_ENTRIES));
            ObjectNode event = Invocations.event("token-consumer-role.json");
            Invocations.Response first = Invocations.invoke(handler, event);
            long firstRequestMs = (System.nanoTime() - t0) / 1_000_000;
            long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            if (first.status() != 200) {
                throw new IllegalStateException("first request failed: " + first.raw());
            }

            int warmup = 2_000;
            int samples = 20_000;
            for (int i = 0; i < warmup; i++) {
                Invocations.invoke(handler, event);
            }
            long[] nanos = new long[samples];
            for (int i = 0; i < samples; i++) {
                long s = System.nanoTime();
                Invocations.Response r = Invocations.invoke(handler, event);
                nanos[i] = System.nanoTime() - s;
                if (r.status() != 200) {
                    throw new IllegalStateException("warm request failed: " + r.raw());
                }
            }
            Arrays.sort(nanos);
            System.out.printf("mode: %s%n", primed ? "primed (as after a SnapStart restore)" : "unprimed cold JVM");
            if (primed) {
                System.out.printf("priming (beforeCheckpoint work): %d ms%n", primingMs);
            }
            System.out.printf("JVM start -> first response: %d ms (handler construction + first request: %d ms)%n",
                    sinceJvmStart, firstRequestMs);
            System.out.printf("warm cache hits (%d samples): p50 %.1f us, p99 %.1f us, max %.1f us; STS calls %d, ECR calls %d%n",
                    samples, nanos[samples / 2] / 1000.0, nanos[(int) (samples * 0.99)] / 1000.0, nanos[samples - 1] / 1000.0,
                    fake.stsCalls.get(), fake.ecrCalls.get());
        }
    }
}
