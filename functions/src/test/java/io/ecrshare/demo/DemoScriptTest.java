package io.ecrshare.demo;

import io.ecrshare.testsupport.ProjectFiles;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** scripts/demo.sh, the README's end-to-end command, run as it is: it must pass and clean up after itself. */
class DemoScriptTest {

    private static final Pattern MOTO_PID = Pattern.compile("\\(pid (\\d+)\\)");

    private Process start() throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", "scripts/demo.sh").directory(ProjectFiles.root().toFile())
                .redirectErrorStream(true);
        // Reuse this build's classes instead of running Maven inside Maven.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        builder.environment().put("ECR_SHARE_DEMO_CLASSPATH", classpath);
        return builder.start();
    }

    @Test
    void endToEndRunSucceedsAndStopsMoto() throws Exception {
        Process demo = start();
        String output = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(demo.waitFor(240, TimeUnit.SECONDS), "demo finished");

        assertEquals(0, demo.exitValue(), output);
        assertTrue(output.matches("(?s).*All \\d+ steps turned out as stated\\..*"), output);
        assertFalse(output.contains("[FAIL]"), output);
        assertMotoStopped(output);
    }

    @Test
    void interruptedRunStillStopsMoto() throws Exception {
        Process demo = start();
        StringBuilder output = new StringBuilder();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null && Instant.now().isBefore(deadline)) {
                output.append(line).append('\n');
                if (line.startsWith("Step 2.")) {
                    new ProcessBuilder("kill", "-INT", String.valueOf(demo.pid())).start().waitFor();
                }
            }
        }
        assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "demo stopped after SIGINT");
        assertEquals(130, demo.exitValue(), output.toString());
        assertTrue(output.toString().contains("demo: interrupted"), output.toString());
        assertMotoStopped(output.toString());
    }

    private static void assertMotoStopped(String output) {
        Matcher pid = MOTO_PID.matcher(output);
        assertTrue(pid.find(), output);
        long motoPid = Long.parseLong(pid.group(1));
        assertFalse(ProcessHandle.of(motoPid).map(ProcessHandle::isAlive).orElse(false), "moto " + motoPid + " still runs");
        assertTrue(output.contains("demo: stopped moto (pid " + motoPid + ")"), output);
    }
}
