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
 * Usage: {@code java -cp CLASSPATH io.ecrshare.bench.ColdStartProbe HANDLER_CLASS EVENT_FILE}
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

        Method handle = handler.getClass().getMethod("handleRequest", InputStream.class, OutputStream.class,
                Class.forName("com.amazonaws.services.lambda.runtime.Context"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handle.invoke(handler, new java.io.ByteArrayInputStream(event), out, null);
        long handledMillis = System.currentTimeMillis();
        int classesHandled = classes.getLoadedClassCount();

        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        String response = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        System.out.println("PROBE jvmStart=" + jvmStart + " main=" + mainMillis + " before=" + beforeMillis
                + " constructed=" + constructedMillis + " handled=" + handledMillis + " classesAtMain=" + classesAtMain
                + " classesConstructed=" + classesConstructed + " classesHandled=" + classesHandled
                + " response=" + response);
        System.out.flush();
        System.exit(0);
    }
}
