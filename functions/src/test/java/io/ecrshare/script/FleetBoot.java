package io.ecrshare.script;

import io.ecrshare.testsupport.CloudFormationTemplate;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * A fleet booting at once: N simultaneous `dash ecr-login.sh` runs (real curl, real backoff, a fake
 * docker) against a loopback endpoint that verifies every signature and throttles like an API
 * Gateway stage (token bucket) at the given rate and burst; and the credential helper over a
 * simulated day of pulls. Used by {@link FleetBootTest} (CI) and {@link FleetBootBenchmark}
 * (scripts/benchmark.sh --fleet).
 */
final class FleetBoot {

    private static final String ACCESS_KEY_ID = "AKIDFLEETEXAMPLE0001";
    private static final String SECRET_ACCESS_KEY = "fleetSecret/Key+EXAMPLE0123456789abcdefg";
    private static final String HOST_KEY_PREFIX = "AKIDFLEETHOST";
    private static final String REGISTRY = "123456789012";

    /** Outcome of one boot storm. */
    record Boot(int hosts, double rate, int burst, int loggedIn, Map<Integer, Integer> exitCodes, double lastLoginSeconds,
                double idealSeconds, int requests, int throttled, int maxRequestsOfAHost) {
        double requestsPerHost() {
            return (double) requests / hosts;
        }
    }

    /** Outcome of a simulated day of pulls through docker-credential-ecr-share. */
    record HelperDay(int hosts, int hours, int pullIntervalSeconds, long tokenLifetimeSeconds, int pulls, int requests) {
        double requestsPerHostPerHour() {
            return (double) requests / hosts / hours;
        }
    }

    /** The template's stage throttle defaults (TokenRateLimit, TokenBurstLimit). */
    static double[] templateThrottle() {
        Map<?, ?> parameters = (Map<?, ?>) CloudFormationTemplate.load().section("Parameters");
        Object rate = ((Map<?, ?>) parameters.get("TokenRateLimit")).get("Default");
        Object burst = ((Map<?, ?>) parameters.get("TokenBurstLimit")).get("Default");
        return new double[] {Double.parseDouble(String.valueOf(rate)), Double.parseDouble(String.valueOf(burst))};
    }

    static Boot boot(Path work, int hosts, double rate, int burst) throws Exception {
        return boot(work, hosts, rate, burst, null);
    }

    /** @param script the ecr-login.sh to run (null: this checkout's), e.g. an older version for a before figure */
    static Boot boot(Path work, int hosts, double rate, int burst, Path script) throws Exception {
        ScriptSandbox sandbox = new ScriptSandbox(Files.createTempDirectory(work, "sandbox-" + hosts + "-"));
        if (script == null) {
            script = sandbox.script("ecr-login.sh");
        }
        String closedPort = closedPortUrl();
        // Each host has its own instance-role keys, so the endpoint can count requests per host.
        try (FakeTokenEndpoint endpoint = new FakeTokenEndpoint(new SigV4Verifier(accessKey ->
                accessKey.startsWith(HOST_KEY_PREFIX) ? AwsCredentialsIdentity.create(accessKey, hostSecret(accessKey)) : null,
                "us-east-1"))) {
            endpoint.respondWithPassword("fleet-password");
            endpoint.throttle(rate, burst);
            // The starting gun: 2 shared cores cannot boot hundreds of hosts at once (the script's own forks
            // would spread the first requests over many seconds, far gentler than a real fleet). So each
            // host's first token request waits at a gate until every host is ready; the gate then opens and
            // each host fires within the second (the gate is polled once a second), as a fleet of separate
            // machines booting together would. Host tools come straight from PATH, without wrappers.
            Path gate = Files.createTempDirectory(work, "gate-" + hosts + "-");
            Path gateBin = Files.createTempDirectory(work, "gate-bin-" + hosts + "-");
            Path curl = gateBin.resolve("curl");
            Files.writeString(curl, """
                    #!/bin/sh
                    case "$*" in
                        *'/token?'*)
                            if [ ! -e '%1$s/open' ]; then
                                : > '%1$s/ready.'$$
                                while [ ! -e '%1$s/open' ]; do sleep 1; done
                            fi ;;
                    esac
                    exec '%2$s' "$@"
                    """.formatted(gate, ScriptSandbox.hostExecutable("curl")));
            Files.setPosixFilePermissions(curl, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            String path = sandbox.path().split(File.pathSeparator)[0] + File.pathSeparator + gateBin + File.pathSeparator
                    + System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
            List<Process> processes = new ArrayList<>();
            List<CompletableFuture<Long>> exits = new ArrayList<>();
            for (int i = 0; i < hosts; i++) {
                ProcessBuilder builder = new ProcessBuilder("dash", script.toString(), "--endpoint",
                        endpoint.endpointUrl(), "--registry", REGISTRY, "--region", "us-east-1")
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD);
                Map<String, String> env = builder.environment();
                env.clear();
                env.put("PATH", path);
                env.put("HOME", sandbox.home().toString());
                env.put("TMPDIR", System.getProperty("java.io.tmpdir"));
                String accessKey = HOST_KEY_PREFIX + String.format("%07d", i);
                env.put("AWS_ACCESS_KEY_ID", accessKey);
                env.put("AWS_SECRET_ACCESS_KEY", hostSecret(accessKey));
                env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", closedPort);
                Process process = builder.start();
                processes.add(process);
                exits.add(process.onExit().thenApply(p -> System.nanoTime()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (readyHosts(gate) < hosts && System.nanoTime() < deadline
                    && processes.stream().allMatch(Process::isAlive)) {
                Thread.sleep(100);
            }
            long start = System.nanoTime();
            Files.writeString(gate.resolve("open"), "");
            Map<Integer, Integer> codes = new TreeMap<>();
            long last = start;
            int loggedIn = 0;
            for (int i = 0; i < hosts; i++) {
                Process process = processes.get(i);
                if (!process.waitFor(400, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
                int code = process.exitValue();
                codes.merge(code, 1, Integer::sum);
                if (code == 0) {
                    loggedIn++;
                    last = Math.max(last, exits.get(i).get());
                }
            }
            List<FakeTokenEndpoint.RecordedRequest> requests = endpoint.requests();
            int throttled = (int) requests.stream().filter(r -> r.status() == 429).count();
            Map<String, Integer> perHost = new TreeMap<>();
            requests.forEach(r -> perHost.merge(String.valueOf(r.accessKeyId()), 1, Integer::sum));
            return new Boot(hosts, rate, burst, loggedIn, codes, (last - start) / 1e9, hosts / rate, requests.size(),
                    throttled, perHost.values().stream().mapToInt(Integer::intValue).max().orElse(0));
        }
    }

    /**
     * {@code hosts} hosts pull every {@code pullIntervalSeconds} for {@code hours} simulated hours through
     * the credential helper; the endpoint hands out tokens that live {@code tokenLifetimeSeconds} from
     * the simulated now (the real endpoint's is about an hour: the minting session's limit).
     */
    static HelperDay helperDay(Path work, int hosts, int hours, int pullIntervalSeconds, long tokenLifetimeSeconds)
            throws Exception {
        ScriptSandbox sandbox = new ScriptSandbox(Files.createDirectories(work.resolve("helper-day")));
        Path helper = sandbox.script("docker-credential-ecr-share");
        String closedPort = closedPortUrl();
        AtomicLong now = new AtomicLong(Instant.parse("2026-12-01T00:00:00Z").getEpochSecond());
        long start = now.get();
        int pulls = 0;
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(hosts, 4));
        try (FakeTokenEndpoint endpoint = new FakeTokenEndpoint(new SigV4Verifier(
                AwsCredentialsIdentity.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY), "us-east-1"))) {
            endpoint.answerWith(request -> FakeTokenEndpoint.tokenResponse("day-password",
                    Instant.ofEpochSecond(now.get() + tokenLifetimeSeconds)));
            for (long t = start; t < start + hours * 3600L; t += pullIntervalSeconds) {
                now.set(t);
                List<Future<Integer>> runs = new ArrayList<>();
                for (int host = 0; host < hosts; host++) {
                    Map<String, String> env = ScriptSandbox.env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID,
                            "AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY, "AWS_REGION", "us-east-1",
                            "AWS_EC2_METADATA_SERVICE_ENDPOINT", closedPort, "FAKE_EPOCH", String.valueOf(t),
                            "ECR_SHARE_ENDPOINT", endpoint.endpointUrl(),
                            "ECR_SHARE_CACHE_DIR", work.resolve("helper-day/cache-" + host).toString());
                    runs.add(pool.submit(() -> sandbox.exec(List.of("dash", helper.toString(), "get"), env,
                            REGISTRY + ".dkr.ecr.us-east-1.amazonaws.com\n").exitCode()));
                }
                for (Future<Integer> run : runs) {
                    if (run.get() != 0) {
                        throw new IllegalStateException("a pull's credential lookup failed at simulated " + Instant.ofEpochSecond(t));
                    }
                    pulls++;
                }
            }
            return new HelperDay(hosts, hours, pullIntervalSeconds, tokenLifetimeSeconds, pulls, endpoint.requests().size());
        } finally {
            pool.shutdownNow();
        }
    }

    private static long readyHosts(Path gate) throws IOException {
        try (var files = Files.list(gate)) {
            return files.filter(f -> f.getFileName().toString().startsWith("ready.")).count();
        }
    }

    private static String hostSecret(String accessKey) {
        return "fleet-host-secret/" + accessKey + "+EXAMPLE";
    }

    private static String closedPortUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }
}
