package io.ecrshare.bench;

import io.ecrshare.config.FunctionConfig;
import io.ecrshare.config.ShareConfig;
import io.ecrshare.policy.ManagedStatements;
import io.ecrshare.testsupport.FakeEcr;
import io.ecrshare.testsupport.GeneratedRegistry;
import io.ecrshare.testsupport.ProjectFiles;
import io.ecrshare.testsupport.TestConfig;
import io.ecrshare.token.FakeStsEcr;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cold start per function: each measurement is a fresh JVM running {@link ColdStartProbe} on the deployed
 * classpath (target/classes and the runtime dependencies, nothing from the test scope), whose no-arg handler
 * constructor wires itself from the environment as on Lambda, against loopback endpoints started here. The
 * functions are measured round-robin, so drift on the machine affects them alike.
 */
final class ColdStartBenchmark {

    static final String REPOSITORY = "platform/base-image";
    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S+)");

    record Function(String name, String handler, String event, String expect) {
    }

    static final List<Function> FUNCTIONS = List.of(
            new Function("baseline (do-nothing)", BaselineHandler.class.getName(), "grant-create-repository-tagged.json", "{}"),
            new Function("grant", "io.ecrshare.grant.GrantHandler", "grant-create-repository-tagged.json", "\"action\":\"granted\""),
            new Function("enforce", "io.ecrshare.enforce.EnforceHandler", "enforce-set-repository-policy-by-person.json",
                    "\"action\":\"restored\""),
            new Function("reconcile (12 repositories)", "io.ecrshare.reconcile.ReconcileHandler", "reconcile-schedule.json",
                    "\"failures\":[]"),
            new Function("token", "io.ecrshare.tokenapi.TokenHandler", "token-consumer-role.json", "\"statusCode\":200"));

    /** One fresh JVM's figures, in milliseconds from the parent's launch of the process. */
    record Sample(long toMain, long toConstructed, long toHandled, long jvmStartToConstructed, long jvmStartToHandled,
                  int classesConstructed, int classesHandled) {
        long firstEvent() {
            return toHandled - toConstructed;
        }
    }

    record Result(Function function, List<Sample> samples) {
        Stats stat(java.util.function.ToLongFunction<Sample> f) {
            return Stats.of(samples.stream().map(s -> f.applyAsLong(s)).toList());
        }
    }

    private final int runs;
    private final List<String> jvmOptions;
    private final String classpath;

    ColdStartBenchmark(int runs, List<String> jvmOptions, String classpath) {
        this.runs = runs;
        this.jvmOptions = jvmOptions;
        this.classpath = classpath;
    }

    List<Result> run() throws Exception {
        Map<String, String> env = new HashMap<>(TestConfig.env());
        env.put("AWS_REGION", FakeEcr.REGION);
        env.put("AWS_ACCESS_KEY_ID", "AKIABENCHMARK0000001");
        env.put("AWS_SECRET_ACCESS_KEY", "benchmark-secret");
        env.put(FunctionConfig.TOKEN_ROLE_ARN, "arn:aws:iam::123456789012:role/ecr-share-TokenMintingRole-ABCDEF123456");
        Path home = Files.createTempDirectory("bench-home");   // no ~/.aws of whoever runs this
        env.put("HOME", home.toString());
        ShareConfig config = ShareConfig.fromEnvironment(env);
        ManagedStatements managed = new ManagedStatements(config.consumers());
        Map<String, String> tagged = Map.of(config.tag().key(), config.tag().value());

        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        FUNCTIONS.forEach(f -> samples.put(f.name(), new ArrayList<>()));
        try (FakeEcr ecr = new FakeEcr(); FakeStsEcr sts = new FakeStsEcr(Clock.systemUTC())) {
            // One unmeasured launch first, so every measured JVM finds the JDK and the jars in the page cache.
            launch(FUNCTIONS.get(0), env, ecr.endpoint());
            for (int run = 0; run < runs; run++) {
                for (Function function : FUNCTIONS) {
                    String endpoint = ecr.endpoint();
                    switch (function.handler().replaceAll(".*\\.", "")) {
                        case "GrantHandler" -> ecr.repository(REPOSITORY, tagged, null);
                        case "EnforceHandler" -> ecr.repository(REPOSITORY, tagged,
                                GeneratedRegistry.initialPolicy(GeneratedRegistry.Kind.DRIFTED, managed));
                        case "ReconcileHandler" -> GeneratedRegistry.create(GeneratedRegistry.repositories(12), config,
                                (name, tags, policy) -> ecr.repository(name, tags, policy));
                        case "TokenHandler" -> endpoint = sts.endpoint();
                        default -> { }
                    }
                    samples.get(function.name()).add(launch(function, env, endpoint));
                }
            }
        }
        List<Result> results = new ArrayList<>();
        FUNCTIONS.forEach(f -> results.add(new Result(f, samples.get(f.name()))));
        return results;
    }

    private Sample launch(Function function, Map<String, String> env, String endpoint) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, ColdStartProbe.class.getName(), function.handler(),
                ProjectFiles.event(function.event()).toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put("AWS_ENDPOINT_URL", endpoint);
        long launched = System.currentTimeMillis();
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        String probe = output.lines().filter(l -> l.startsWith("PROBE ")).findFirst().orElse(null);
        if (exit != 0 || probe == null || !probe.contains(function.expect())) {
            throw new IllegalStateException("cold-start probe of " + function.name() + " failed (exit " + exit
                    + ", expected the response to contain " + function.expect() + "):\n" + output);
        }
        Map<String, String> f = new HashMap<>();
        Matcher m = FIELD.matcher(probe.substring(0, probe.indexOf(" response=")));
        while (m.find()) {
            f.put(m.group(1), m.group(2));
        }
        long jvmStart = Long.parseLong(f.get("jvmStart"));
        long constructed = Long.parseLong(f.get("constructed"));
        long handled = Long.parseLong(f.get("handled"));
        return new Sample(Long.parseLong(f.get("main")) - launched, constructed - launched, handled - launched,
                constructed - jvmStart, handled - jvmStart,
                Integer.parseInt(f.get("classesConstructed")), Integer.parseInt(f.get("classesHandled")));
    }

    static String classpathDescription(String classpath) {
        List<String> names = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            names.add(Path.of(entry).getFileName().toString());
        }
        return String.join(", ", names);
    }

    static Table table(List<Result> results) {
        Result baseline = results.get(0);
        double baseConstructed = baseline.stat(Sample::toConstructed).median();
        double baseHandled = baseline.stat(Sample::toHandled).median();
        Table table = new Table("function", "runs", "launch to main() ms", "to constructed ms, median (min-max)", "first event ms, median",
                "to first event handled ms, median (min-max)", "ratio to baseline (constructed / handled)",
                "classes loaded (constructed / handled)");
        for (Result r : results) {
            Stats constructed = r.stat(Sample::toConstructed);
            Stats handled = r.stat(Sample::toHandled);
            table.row(r.function().name(), r.samples().size(), Table.ms(r.stat(Sample::toMain).median()),
                    Table.ms(constructed.median()) + " (" + Table.ms(constructed.min()) + "-" + Table.ms(constructed.max()) + ")",
                    Table.ms(r.stat(Sample::firstEvent).median()),
                    Table.ms(handled.median()) + " (" + Table.ms(handled.min()) + "-" + Table.ms(handled.max()) + ")",
                    Table.ratio(constructed.median() / baseConstructed) + " / " + Table.ratio(handled.median() / baseHandled),
                    Table.ms(r.stat(Sample::classesConstructed).median()) + " / " + Table.ms(r.stat(Sample::classesHandled).median()));
        }
        return table;
    }
}
