package io.ecrshare.testsupport;

import io.ecrshare.aws.AwsClients;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * moto's server on 127.0.0.1 as the AWS stand-in for integration tests: started once per test JVM on a free
 * port, reset between tests, stopped when the JVM exits. Missing moto fails loudly, never skips.
 */
public final class MotoServer {

    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "123456789012";

    private static MotoServer shared;

    private final Process process;
    private final String endpoint;

    private MotoServer(Process process, String endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static synchronized MotoServer shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared;
    }

    public String endpoint() {
        return endpoint;
    }

    /** Environment for code under test: region and endpoint of this stand-in. */
    public Map<String, String> env() {
        return Map.of("AWS_REGION", REGION, "AWS_ENDPOINT_URL", endpoint);
    }

    public AwsClients clients() {
        return new AwsClients(env(), StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
    }

    /** Forgets every resource, so each test starts from an empty account. */
    public void reset() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/moto-api/reset").toURL().openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.getOutputStream().close();
            if (c.getResponseCode() != 200) {
                throw new IllegalStateException("moto reset answered " + c.getResponseCode());
            }
            c.disconnect();
        } catch (IOException e) {
            throw new IllegalStateException("could not reset moto at " + endpoint, e);
        }
    }

    private static MotoServer start() {
        String command = findMoto();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for moto", e);
        }
        Process process;
        try {
            Path log = Files.createTempFile("moto-server", ".log");
            process = new ProcessBuilder(command, "-H", "127.0.0.1", "-p", String.valueOf(port))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + command, e);
        }
        String endpoint = "http://127.0.0.1:" + port;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited with " + process.exitValue()
                        + "; is moto installed with its server extra? pip install 'moto[server]'");
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/moto-api/").toURL().openConnection();
                c.setConnectTimeout(500);
                if (c.getResponseCode() == 200) {
                    return new MotoServer(process, endpoint);
                }
            } catch (IOException notYet) {
                // still starting
            }
            sleep();
        }
        process.destroyForcibly();
        throw new IllegalStateException("moto_server did not answer on " + endpoint + " within 60 s");
    }

    private static String findMoto() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "moto_server"))) {
                return Path.of(dir, "moto_server").toString();
            }
        }
        throw new IllegalStateException("moto_server is not on PATH. The integration tests run the real AWS SDK "
                + "clients against moto; install it with: pip install 'moto[server]'");
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void stop() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
