package io.ecrshare.bench;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;

/**
 * Runs in a fresh JVM per measurement (launched by {@link ColdStartBenchmark}): constructs one handler with
 * its no-arg constructor, exactly as the Lambda runtime does (it wires itself from the environment), and
 * hands it one event. Uses only java.* classes before the handler is constructed, so it pre-loads nothing
 * the function would otherwise pay for; the handler is loaded and invoked by reflection.
 * Prints one line: {@code PROBE key=value ...} with wall-clock milliseconds and loaded-class counts.
 * Usage: {@code java -cp CLASSPATH io.ecrshare.bench.ColdStartProbe HANDLER_CLASS EVENT_FILE [MODE]}, MODE:
 * <ul>
 *   <li>{@code fresh} (default): constructed, then the event, as an on-demand cold start without SnapStart;</li>
 *   <li>{@code restore}: constructed, then the handler's SnapStart checkpoint hook (what Lambda runs before
 *       the snapshot), then the event: the handler as a snapshot holds it, to its first event;</li>
 *   <li>{@code restore-in-memory}: the same with the in-memory priming alone (no HTTPS request), the
 *       priming the token function had before the checkpoint hooks made a real TLS handshake.</li>
 * </ul>
 */
public final class ColdStartProbe {

    public static void main(String[] args) throws Exception {
        long mainMillis = System.currentTimeMillis();
        // The MXBean (JDK classes only) is created before the handler so reading it later loads nothing.
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        int classesAtMain = classes.getLoadedClassCount();
        byte[] event;
        try (InputStream in = new FileInputStream(args[1])) {
            event = in.readAllBytes();
        }
        long beforeMillis = System.currentTimeMillis();

        Object handler = Class.forName(args[0]).getDeclaredConstructor().newInstance();
        long constructedMillis = System.currentTimeMillis();
        int classesConstructed = classes.getLoadedClassCount();
        String mode = args.length > 2 ? args[2] : "fresh";
        switch (mode) {
            case "fresh" -> { }
            case "restore" -> {
                Object hook = handler.getClass().getMethod("checkpointHook").invoke(handler);
                Class.forName("org.crac.Resource").getMethod("beforeCheckpoint", Class.forName("org.crac.Context")).invoke(hook,
                        (Object) null);
            }
            case "restore-in-memory" -> primeInMemory(handler);
            default -> throw new IllegalArgumentException("mode must be fresh, restore or restore-in-memory: " + mode);
        }
        long primedMillis = System.currentTimeMillis();
        int classesPrimed = classes.getLoadedClassCount();

        Method handle = handler.getClass().getMethod("handleRequest", InputStream.class, OutputStream.class,
                Class.forName("com.amazonaws.services.lambda.runtime.Context"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handle.invoke(handler, new java.io.ByteArrayInputStream(event), out, null);
        long handledMillis = System.currentTimeMillis();
        int classesHandled = classes.getLoadedClassCount();

        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        String response = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        System.out.println("PROBE jvmStart=" + jvmStart + " main=" + mainMillis + " before=" + beforeMillis
                + " constructed=" + constructedMillis + " primed=" + primedMillis + " handled=" + handledMillis
                + " classesAtMain=" + classesAtMain + " classesConstructed=" + classesConstructed
                + " classesPrimed=" + classesPrimed + " classesHandled=" + classesHandled
                + " response=" + response);
        System.out.flush();
        System.exit(0);
    }

    private static void primeInMemory(Object handler) throws Exception {
        java.util.Map<String, String> env = System.getenv();
        Class<?> config = Class.forName("io.ecrshare.config.FunctionConfig");
        Object parsed = config.getMethod("fromEnvironment", java.util.Map.class).invoke(null, env);
        String priming = handler.getClass().getName().endsWith(".TokenHandler") ? "io.ecrshare.tokenapi.TokenPriming"
                : "io.ecrshare.wiring.SharingPriming";
        Class.forName(priming).getMethod("prime", config, java.util.Map.class).invoke(null, parsed, env);
    }
}
