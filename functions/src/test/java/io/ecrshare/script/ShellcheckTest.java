package io.ecrshare.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The consumer-side scripts are POSIX sh and shellcheck-clean (.ci/run installs shellcheck). */
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
}
