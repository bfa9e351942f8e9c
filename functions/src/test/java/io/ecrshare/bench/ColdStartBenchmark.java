package io.ecrshare.bench;

import io.ecrshare.config.FunctionConfig;
import io.ecrshare.config.ShareConfig;
import io.ecrshare.policy.ManagedStatements;
import io.ecrshare.testsupport.FakeEcr;
import io.ecrshare.testsupport.GeneratedRegistry;
import io.ecrshare.testsupport.LoopbackTls;
import io.ecrshare.testsupport.ProjectFiles;
import io.ecrshare.testsupport.TestConfig;
import io.ecrshare.token.FakeStsEcr;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
 * constructor wires itself from the environment as on Lambda, against loopback endpoints started here. Every
 * function is measured in every variant: fresh (plain HTTP endpoints, as the figures before SnapStart), the
 * restore path (the checkpoint hook, then the first event, over HTTPS to loopback endpoints with a
 * self-signed certificate the child JVM trusts through {@code javax.net.ssl.trustStore}), the restore path
 * with the in-memory priming alone, and optionally fresh on another SDK version's jars. Functions and
 * variants are measured round-robin, so drift on the machine affects them alike.
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

    /** How a JVM is run: probe mode, HTTPS endpoints or not, and the classpath. */
    record Variant(String label, String mode, boolean https, String classpath) {
        boolean fresh() {
            return mode.equals("fresh");
        }
    }

    /** One fresh JVM's figures, in milliseconds from the parent's launch of the process. */
    record Sample(long toMain, long toConstructed, long toPrimed, long toHandled, long jvmStartToConstructed,
                  long jvmStartToHandled, int classesConstructed, int classesPrimed, int classesHandled) {
        long firstEvent() {
            return toHandled - toPrimed;
        }

        long priming() {
            return toPrimed - toConstructed;
        }
    }

    record Result(Function function, Variant variant, List<Sample> samples) {
        Stats stat(java.util.function.ToLongFunction<Sample> f) {
            return Stats.of(samples.stream().map(s -> f.applyAsLong(s)).toList());
        }
    }

    private final int runs;
    private final List<String> jvmOptions;
    private final List<Variant> variants;

    ColdStartBenchmark(int runs, List<String> jvmOptions, List<Variant> variants) {
        this.runs = runs;
        this.jvmOptions = jvmOptions;
        this.variants = variants;
    }

    static List<Variant> variants(String classpath, String compareLabel, String compareClasspath) {
        List<Variant> variants = new ArrayList<>(List.of(new Variant("fresh JVM", "fresh", false, classpath)));
        if (compareClasspath != null && !compareClasspath.isBlank()) {
            variants.add(new Variant("fresh JVM, " + compareLabel, "fresh", false, compareClasspath));
        }
        variants.add(new Variant("restore path, in-memory priming only", "restore-in-memory", true, classpath));
        variants.add(new Variant("restore path (checkpoint hook: in-memory + HTTPS)", "restore", true, classpath));
        return variants;
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
        try (FakeEcr plainEcr = new FakeEcr(); FakeStsEcr plainSts = new FakeStsEcr(Clock.systemUTC());
             FakeEcr tlsEcr = new FakeEcr(Duration.ZERO, true); FakeStsEcr tlsSts = new FakeStsEcr(Clock.systemUTC(), true)) {
            // One unmeasured launch first, so every measured JVM finds the JDK and the jars in the page cache.
            launch(FUNCTIONS.get(0), variants.get(0), env, plainEcr.endpoint());
            for (int run = 0; run < runs; run++) {
                for (Variant variant : variants) {
                    for (Function function : FUNCTIONS) {
                        if (function == FUNCTIONS.get(0) && !variant.fresh()) {
                            continue;   // the do-nothing baseline has nothing to prime
                        }
                        FakeEcr ecr = variant.https() ? tlsEcr : plainEcr;
                        String endpoint = ecr.endpoint();
                        switch (function.handler().replaceAll(".*\\.", "")) {
                            case "GrantHandler" -> ecr.repository(REPOSITORY, tagged, null);
                            case "EnforceHandler" -> ecr.repository(REPOSITORY, tagged,
                                    GeneratedRegistry.initialPolicy(GeneratedRegistry.Kind.DRIFTED, managed));
                            case "ReconcileHandler" -> GeneratedRegistry.create(GeneratedRegistry.repositories(12), config,
                                    (name, tags, policy) -> ecr.repository(name, tags, policy));
                            case "TokenHandler" -> endpoint = (variant.https() ? tlsSts : plainSts).endpoint();
                            default -> { }
                        }
                        samples.computeIfAbsent(function.name() + "|" + variant.label(), k -> new ArrayList<>())
                                .add(launch(function, variant, env, endpoint));
                    }
                }
            }
        }
        List<Result> results = new ArrayList<>();
        for (Variant variant : variants) {
            for (Function function : FUNCTIONS) {
                List<Sample> list = samples.get(function.name() + "|" + variant.label());
                if (list != null) {
                    results.add(new Result(function, variant, list));
                }
            }
        }
        return results;
    }

    private Sample launch(Function function, Variant variant, Map<String, String> env, String endpoint)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        if (variant.https()) {
            command.addAll(List.of("-Djavax.net.ssl.trustStore=" + LoopbackTls.get().trustStore(),
                    "-Djavax.net.ssl.trustStorePassword=" + LoopbackTls.PASSWORD, "-Djavax.net.ssl.trustStoreType=PKCS12"));
        }
        command.addAll(List.of("-cp", variant.classpath(), ColdStartProbe.class.getName(), function.handler(),
                ProjectFiles.event(function.event()).toString(), variant.mode()));
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
        long primed = Long.parseLong(f.get("primed"));
        long handled = Long.parseLong(f.get("handled"));
        return new Sample(Long.parseLong(f.get("main")) - launched, constructed - launched, primed - launched,
                handled - launched, constructed - jvmStart, handled - jvmStart,
                Integer.parseInt(f.get("classesConstructed")), Integer.parseInt(f.get("classesPrimed")),
                Integer.parseInt(f.get("classesHandled")));
    }

    static String classpathDescription(String classpath) {
        List<String> names = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            names.add(Path.of(entry).getFileName().toString());
        }
        return String.join(", ", names);
    }

    /** Fresh JVMs: launch to constructed and to the first event handled, against the baseline of the same run. */
    static Table table(List<Result> results) {
        Result baseline = results.get(0);
        double baseConstructed = baseline.stat(Sample::toConstructed).median();
        double baseHandled = baseline.stat(Sample::toHandled).median();
        Table table = new Table("function", "variant", "runs", "launch to main() ms", "to constructed ms, median (min-max)",
                "first event ms, median", "to first event handled ms, median (min-max)",
                "ratio to baseline (constructed / handled)", "classes loaded (constructed / handled)");
        for (Result r : results) {
            if (!r.variant().fresh()) {
                continue;
            }
            Stats constructed = r.stat(Sample::toConstructed);
            Stats handled = r.stat(Sample::toHandled);
            table.row(r.function().name(), r.variant().label(), r.samples().size(), Table.ms(r.stat(Sample::toMain).median()),
                    Table.ms(constructed.median()) + " (" + Table.ms(constructed.min()) + "-" + Table.ms(constructed.max()) + ")",
                    Table.ms(r.stat(Sample::firstEvent).median()),
                    Table.ms(handled.median()) + " (" + Table.ms(handled.min()) + "-" + Table.ms(handled.max()) + ")",
                    Table.ratio(constructed.median() / baseConstructed) + " / " + Table.ratio(handled.median() / baseHandled),
                    Table.ms(r.stat(Sample::classesConstructed).median()) + " / " + Table.ms(r.stat(Sample::classesHandled).median()));
        }
        return table;
    }

    /**
     * The restore path: the primed handler's first event (after the checkpoint hook, as a snapshot holds it),
     * against the do-nothing baseline's whole fresh JVM (launch to handled) of the same run.
     */
    static Table restoreTable(List<Result> results) {
        double baseHandled = results.get(0).stat(Sample::toHandled).median();
        Table table = new Table("function", "variant", "runs", "priming ms, median", "first event after priming ms, median (min-max)",
                "ratio to baseline (first event / baseline launch to handled)", "classes the first event still loaded, median");
        for (Result r : results) {
            if (r.variant().fresh()) {
                continue;
            }
            Stats first = r.stat(Sample::firstEvent);
            table.row(r.function().name(), r.variant().label(), r.samples().size(), Table.ms(r.stat(Sample::priming).median()),
                    Table.ms(first.median()) + " (" + Table.ms(first.min()) + "-" + Table.ms(first.max()) + ")",
                    Table.ratio(first.median() / baseHandled),
                    Table.ms(r.stat(s -> s.classesHandled() - s.classesPrimed()).median()));
        }
        return table;
    }
}
