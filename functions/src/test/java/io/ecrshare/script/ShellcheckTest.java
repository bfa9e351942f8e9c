package io.ecrshare.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every script is POSIX sh and shellcheck-clean (.ci/run installs shellcheck). */
class ShellcheckTest {

    @Test
    void theBootstrapScriptAndTheCredentialHelperAreShellcheckCleanAsPosixSh() throws Exception {
        Path scripts = new ScriptSandbox(java.nio.file.Files.createTempDirectory("shellcheck")).script("ecr-login.sh")
                .getParent();
        Process shellcheck = new ProcessBuilder(ScriptSandbox.hostExecutable("shellcheck").toString(), "--shell=sh",
                scripts.resolve("ecr-login.sh").toString(), scripts.resolve("docker-credential-ecr-share").toString())
                .redirectErrorStream(true).start();
        String output = new String(shellcheck.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        shellcheck.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, shellcheck.exitValue(), output);
        assertEquals(List.of(), output.lines().toList());
    }

    @Test
    void everyScriptOfTheRepositoryIsPosixShAndShellcheckClean() throws Exception {
        Path root = io.ecrshare.testsupport.ProjectFiles.root();
        List<String> command = new java.util.ArrayList<>(List.of(ScriptSandbox.hostExecutable("shellcheck").toString(),
                "--shell=sh"));
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(root.resolve("scripts"))) {
            files.sorted().forEach(f -> command.add(f.toString()));
        }
        for (String script : command.subList(2, command.size())) {
            String firstLine = java.nio.file.Files.readAllLines(Path.of(script)).get(0);
            assertEquals("#!/bin/sh", firstLine, script + " must be a POSIX sh script");
        }
        Process shellcheck = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(shellcheck.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        shellcheck.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, shellcheck.exitValue(), output);
    }
}
