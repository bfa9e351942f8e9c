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
        ProcessBuilder builder = new ProcessBuilder("dash", "scripts/demo.sh").directory(ProjectFiles.root().toFile())
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

    /**
     * A newcomer whose build fails sees Maven's own error (not just "stopped moto"), progress while it builds,
     * and no colour-code garbage. The build input is broken on purpose, in a copy of the repository.
     */
    @Test
    void aFailedBuildShowsTheBuildsOwnErrorAndStartsNothing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path copy)
            throws Exception {
        java.nio.file.Path root = ProjectFiles.root();
        for (String file : java.util.List.of("scripts/demo.sh", "functions/pom.xml", "template.yaml")) {
            java.nio.file.Files.createDirectories(copy.resolve(file).getParent());
            java.nio.file.Files.copy(root.resolve(file), copy.resolve(file));
        }
        try (var files = java.nio.file.Files.walk(root.resolve("functions/src"))) {
            for (java.nio.file.Path file : (Iterable<java.nio.file.Path>) files::iterator) {
                java.nio.file.Path target = copy.resolve(root.relativize(file).toString());
                if (java.nio.file.Files.isDirectory(file)) {
                    java.nio.file.Files.createDirectories(target);
                } else {
                    java.nio.file.Files.copy(file, target);
                }
            }
        }
        java.nio.file.Path broken = copy.resolve("functions/src/main/java/io/ecrshare/config/ShareTag.java");
        java.nio.file.Files.writeString(broken, "\nthis line is not Java\n", java.nio.file.StandardOpenOption.APPEND);

        Process demo = new ProcessBuilder("dash", "scripts/demo.sh").directory(copy.toFile()).redirectErrorStream(true).start();
        String output = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(demo.waitFor(180, TimeUnit.SECONDS), "demo finished");

        assertEquals(1, demo.exitValue(), output);
        assertTrue(output.contains("demo: building the functions"), output);
        assertTrue(output.contains("COMPILATION ERROR") && output.contains("ShareTag.java"), "Maven's own error: " + output);
        assertTrue(output.contains("demo: the build failed (Maven's output above)"), output);
        assertFalse(output.contains("\u001b"), "no terminal colour codes: " + output);
        assertFalse(output.contains("moto"), "nothing was started: " + output);
    }

    private static void assertMotoStopped(String output) {
        Matcher pid = MOTO_PID.matcher(output);
        assertTrue(pid.find(), output);
        long motoPid = Long.parseLong(pid.group(1));
        assertFalse(ProcessHandle.of(motoPid).map(ProcessHandle::isAlive).orElse(false), "moto " + motoPid + " still runs");
        assertTrue(output.contains("demo: stopped moto (pid " + motoPid + ")"), output);
    }
}
