package io.ecrshare.script;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs scripts/ecr-login.sh in a controlled environment: an empty environment apart from what a
 * test passes, a private HOME and TMPDIR, and a PATH made of
 * <ol>
 *   <li>a fake {@code docker} that records its argv and stdin (exit status from FAKE_DOCKER_EXIT),
 *   <li>a {@code curl} wrapper that records its argv (to prove no secret is passed on a command
 *       line) and then runs the real curl,
 *   <li>wrappers for the few POSIX tools the scripts use, and nothing else ({@code date} honours
 *       FAKE_EPOCH, so tests can move the clock of the credential helper's cache).
 * </ol>
 * {@link #useOldCurl()} swaps the curl wrapper for one that reports 7.68.0 (Ubuntu 20.04's curl) and
 * rejects --aws-sigv4 as that curl does, delegating everything else to the real curl.
 */
final class ScriptSandbox {

    private static final List<String> POSIX_TOOLS = List.of("awk", "cat", "chmod", "cut", "grep", "mkdir", "mktemp",
            "mv", "od", "rm", "sed", "sleep", "tr", "sha256sum", "openssl", "dirname", "jq", "base64");
    private static final long TIMEOUT_SECONDS = 60;

    record Run(int exitCode, String stdout, String stderr) {}

    private final Path scripts;
    private final Path script;
    private final Path home;
    private final Path scriptTmp;
    private final Path dockerDir;
    private final Path curlDir;
    private final Path toolsDir;
    private final Path records;

    ScriptSandbox(Path root) throws IOException {
        script = locateScript();
        scripts = script.getParent();
        home = Files.createDirectories(root.resolve("home"));
        scriptTmp = Files.createDirectories(root.resolve("tmp"));
        dockerDir = Files.createDirectories(root.resolve("docker-bin"));
        curlDir = Files.createDirectories(root.resolve("curl-bin"));
        toolsDir = Files.createDirectories(root.resolve("tools"));
        records = Files.createDirectories(root.resolve("records"));

        writeExecutable(dockerDir.resolve("docker"), """
                #!/bin/sh
                printf '%%s\\n' "$@" > '%1$s/docker-argv'
                cat > '%1$s/docker-stdin'
                if [ "${FAKE_DOCKER_EXIT:-0}" -ne 0 ]; then
                    echo 'Error response from daemon: login attempt failed' >&2
                fi
                exit "${FAKE_DOCKER_EXIT:-0}"
                """.formatted(records));
        writeExecutable(curlDir.resolve("curl"), """
                #!/bin/sh
                printf '%%s\\n' "$@" >> '%s/curl-argv'
                exec '%s' "$@"
                """.formatted(records, hostExecutable("curl")));
        // Wrappers rather than symlinks: JUnit warns about links leaving its temp dir on cleanup.
        for (String tool : POSIX_TOOLS) {
            Optional<Path> host = findHostExecutable(tool);
            if (host.isPresent()) {
                writeExecutable(toolsDir.resolve(tool), "#!/bin/sh\nprintf '%%s\\n' %s \"$@\" >> '%s/tools-argv'\nexec '%s' \"$@\"\n"
                        .formatted(tool, records, host.get()));
            }
        }
        writeExecutable(toolsDir.resolve("date"), """
                #!/bin/sh
                if [ -n "${FAKE_EPOCH:-}" ]; then exec '%1$s' -d "@$FAKE_EPOCH" "$@"; fi
                exec '%1$s' "$@"
                """.formatted(hostExecutable("date")));
    }

    /** Replaces curl with Ubuntu 20.04's: version 7.68.0, no --aws-sigv4 (still recording argv). */
    ScriptSandbox useOldCurl() throws IOException {
        return useCurlWithoutSigv4("7.68.0");
    }

    /** A curl that reports {@code version} and rejects --aws-sigv4 as curl does with an unknown option. */
    ScriptSandbox useCurlWithoutSigv4(String version) throws IOException {
        writeExecutable(curlDir.resolve("curl"), """
                #!/bin/sh
                printf '%%s\\n' "$@" >> '%1$s/curl-argv'
                for arg in "$@"; do
                    case $arg in
                        --version | -V)
                            echo 'curl %3$s (x86_64-pc-linux-gnu) libcurl/%3$s OpenSSL/1.1.1f zlib/1.2.11'
                            echo 'Release-Date: 2020-01-08'
                            exit 0 ;;
                        --aws-sigv4*)
                            echo 'curl: option --aws-sigv4: is unknown' >&2
                            echo "curl: try 'curl --help' or 'curl --manual' for more information" >&2
                            exit 2 ;;
                    esac
                done
                exec '%2$s' "$@"
                """.formatted(records, hostExecutable("curl"), version));
        return this;
    }

    /** Removes one of the POSIX tool wrappers (e.g. sha256sum, to make the script use openssl). */
    ScriptSandbox withoutTool(String tool) throws IOException {
        Files.deleteIfExists(toolsDir.resolve(tool));
        return this;
    }

    /** Path of a script in scripts/. */
    Path script(String name) {
        return scripts.resolve(name);
    }

    Path home() {
        return home;
    }

    /** PATH with the fake docker first, the recording curl, and the POSIX tools. */
    String path() {
        return String.join(File.pathSeparator, dockerDir.toString(), curlDir.toString(), toolsDir.toString());
    }

    /** Like {@link #path()} but without any curl. */
    String pathWithoutCurl() {
        return String.join(File.pathSeparator, dockerDir.toString(), toolsDir.toString());
    }

    /** Runs ecr-login.sh with {@code shell}; the environment holds PATH, HOME, TMPDIR and {@code env} only. */
    Run run(String shell, Map<String, String> env, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(shell, script.toString()));
        command.addAll(args);
        return exec(command, env, "");
    }

    /** Runs any command (a script of scripts/, a shell pipeline) in the sandbox, with this stdin. */
    Run exec(List<String> command, Map<String, String> env, String stdin) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile(records, "stdout", ".txt");
        Path stderr = Files.createTempFile(records, "stderr", ".txt");
        Path input = Files.createTempFile(records, "stdin", ".txt");
        Files.writeString(input, stdin);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(input.toFile()))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("PATH", path());
        environment.put("HOME", home.toString());
        environment.put("TMPDIR", scriptTmp.toString());
        environment.putAll(env);

        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            fail(command + " did not finish within " + TIMEOUT_SECONDS + " s: " + Files.readString(stderr));
        }
        Run run = new Run(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
        Files.delete(stdout);
        Files.delete(stderr);
        Files.delete(input);
        return run;
    }

    Optional<List<String>> dockerArgv() throws IOException {
        Path argv = records.resolve("docker-argv");
        return Files.exists(argv) ? Optional.of(Files.readAllLines(argv)) : Optional.empty();
    }

    String dockerStdin() throws IOException {
        return Files.readString(records.resolve("docker-stdin"), StandardCharsets.UTF_8);
    }

    /** Every argument of every curl invocation, as ps would have shown it. */
    String curlCommandLines() throws IOException {
        Path argv = records.resolve("curl-argv");
        return Files.exists(argv) ? Files.readString(argv) : "";
    }

    /** Every argument of every other tool the scripts ran (sed, awk, od, sha256sum, openssl, ...). */
    String toolCommandLines() throws IOException {
        Path argv = records.resolve("tools-argv");
        return Files.exists(argv) ? Files.readString(argv) : "";
    }

    /** What the script left behind in its TMPDIR (it must remove its own temp dir). */
    List<Path> leftoverTempFiles() throws IOException {
        try (Stream<Path> files = Files.list(scriptTmp)) {
            return files.toList();
        }
    }

    /** Finds scripts/ecr-login.sh from the working directory (functions/ under Maven) upwards. */
    private static Path locateScript() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("scripts").resolve("ecr-login.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("scripts/ecr-login.sh not found above " + Path.of("").toAbsolutePath());
    }

    /** Resolves a tool on the JVM's own PATH; the tests need a real curl and POSIX tools. */
    /** A loopback URL nothing listens on (its port was just free): connections to it are refused. */
    static String closedPortUrl() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    static Path hostExecutable(String name) {
        return findHostExecutable(name)
                .orElseThrow(() -> new IllegalStateException(name + " is required on PATH to run this test"));
    }

    static Optional<Path> findHostExecutable(String name) {
        return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator))
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static void writeExecutable(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    static Map<String, String> env(String... keysAndValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            env.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return env;
    }
}
