package io.ecrshare.script;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * A consumer's whole path with clients nobody here wrote: the CNCF distribution registry (Debian's
 * docker-registry) with htpasswd basic auth whose password is the one the token endpoint hands out,
 * a small image pushed into it with skopeo, and skopeo pulling that image by its ECR name through
 * docker-credential-ecr-share (containers auth.json credHelpers), which runs ecr-login.sh, which signs
 * with curl; the loopback endpoint verifies the signature with the SDK and answers with the real
 * TokenHandler minting from a loopback STS + ECR.
 *
 * <p>How the loopback registry passes for ECR without touching /etc/hosts or the production host
 * parsing: the image is named {@code 123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:1.0};
 * a containers registries.conf entry sends that prefix to 127.0.0.1:PORT (as a site would point it
 * at a pull-through proxy), containers/image then asks for credentials of 127.0.0.1:PORT, and the
 * helper's documented {@code registry-alias} line says that host stands for registry 123456789012 in
 * us-east-1. Used by {@link RegistryPullTest} and by scripts/demo.sh (LocalDemo's last step).
 */
public final class RegistryPull {

    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";
    public static final String ECR_HOST = ACCOUNT + ".dkr.ecr." + REGION + ".amazonaws.com";
    public static final String IMAGE = "team/app:1.0";
    static final List<String> TOOLS = List.of("docker-registry", "skopeo", "htpasswd", "tar", "curl");

    private static final String ACCESS_KEY_ID = "AKIACONSUMERHOST0001";
    private static final String SECRET_ACCESS_KEY = "consumerHostSecret/EXAMPLE+0123456789abcd";

    /** What the pull proved. */
    public record Result(String password, int endpointRequests, boolean signaturesValid, String pulledLayerDigest,
                  String pushedLayerDigest, String unauthenticatedPullError, String helperCacheFile) {}

    private final Path work;
    private final PrintStream out;

    public RegistryPull(Path work, PrintStream out) {
        this.work = work;
        this.out = out;
    }

    public static List<String> missingTools() {
        return TOOLS.stream().filter(tool -> ScriptSandbox.findHostExecutable(tool).isEmpty()).toList();
    }

    public Result run() throws Exception {
        Path scripts = new ScriptSandbox(Files.createDirectories(work.resolve("sandbox"))).script("ecr-login.sh").getParent();
        String password = "ecr-share-e2e-" + UUID.randomUUID();
        try (RealTokenBackend backend = new RealTokenBackend(Clock.systemUTC(), "111111111111",
                     "arn:aws:sts::111111111111:assumed-role/ci-builder/i-0e2e000000000001");
             FakeTokenEndpoint endpoint = new FakeTokenEndpoint(new SigV4Verifier(
                     AwsCredentialsIdentity.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY), REGION))) {
            backend.upstream().fixedPassword = password;
            endpoint.answerWith(backend);

            int port = freePort();
            String registryHost = "127.0.0.1:" + port;
            out.println("  registry: docker-registry (CNCF distribution) on " + registryHost
                    + ", htpasswd user AWS with the password the token endpoint hands out");
            Path htpasswd = work.resolve("htpasswd");
            Files.writeString(htpasswd, command(List.of("htpasswd", "-niB", "AWS"), Map.of(), password).trim() + "\n");
            Path config = work.resolve("registry.yml");
            Files.writeString(config, """
                    version: 0.1
                    log:
                      level: error
                    storage:
                      filesystem:
                        rootdirectory: %s
                    http:
                      addr: %s
                      secret: %s
                    auth:
                      htpasswd:
                        realm: ecr-share-demo
                        path: %s
                    """.formatted(work.resolve("registry-data"), registryHost, UUID.randomUUID(), htpasswd));
            Process registry = new ProcessBuilder("docker-registry", "serve", config.toString())
                    .redirectErrorStream(true).redirectOutput(work.resolve("registry.log").toFile()).start();
            // demo.sh stops this JVM on Ctrl-C: the registry must not outlive it.
            Thread stopRegistry = new Thread(registry::destroy);
            Runtime.getRuntime().addShutdownHook(stopRegistry);
            try {
                awaitRegistry(registryHost, registry);
                Path layout = OciLayout.write(work.resolve("oci"), "1.0", "hello from ecr-share\n");
                String pushedLayer = OciLayout.layerDigest(layout);

                Path policy = work.resolve("policy.json");
                Files.writeString(policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
                Path pushAuth = work.resolve("push-auth.json");
                Files.writeString(pushAuth, "{\"auths\":{\"" + registryHost + "\":{\"auth\":\"" + Base64.getEncoder()
                        .encodeToString(("AWS:" + password).getBytes(StandardCharsets.UTF_8)) + "\"}}}");
                command(List.of("skopeo", "--policy", policy.toString(), "copy", "--dest-tls-verify=false",
                        "--dest-authfile", pushAuth.toString(), "oci:" + layout + ":1.0",
                        "docker://" + registryHost + "/" + IMAGE), skopeoEnv(scripts), "");
                out.println("  provider side: pushed " + IMAGE + " (layer " + pushedLayer + ") with skopeo");

                // The consumer host: an ECR image name, a registries.conf pointing it at the loopback
                // registry, and credHelpers naming ecr-share for that host.
                Path registriesConf = work.resolve("registries.conf");
                Files.writeString(registriesConf, """
                        [[registry]]
                        prefix = "%s"
                        location = "%s"
                        insecure = true
                        """.formatted(ECR_HOST, registryHost));
                Path emptyAuth = work.resolve("no-auth.json");
                Files.writeString(emptyAuth, "{}");
                Path authFile = work.resolve("auth.json");
                Files.writeString(authFile, "{\"credHelpers\":{\"" + registryHost + "\":\"ecr-share\"}}");
                Path helperConfig = work.resolve("ecr-share.conf");
                Files.writeString(helperConfig, """
                        endpoint = %s
                        region = %s
                        registry-alias = %s %s %s
                        """.formatted(endpoint.endpointUrl(), REGION, registryHost, ACCOUNT, REGION));

                Map<String, String> consumerEnv = skopeoEnv(scripts);
                consumerEnv.put("ECR_SHARE_CONFIG", helperConfig.toString());
                consumerEnv.put("ECR_SHARE_CACHE_DIR", work.resolve("helper-cache").toString());
                consumerEnv.put("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID);
                consumerEnv.put("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY);
                consumerEnv.put("AWS_EC2_METADATA_DISABLED", "true");

                // --registries-conf: skopeo 1.9's (hidden) flag; containers.conf-based tools read the same file
                // from /etc/containers/registries.conf.
                List<String> pull = new ArrayList<>(List.of("skopeo", "--policy", policy.toString(),
                        "--registries-conf", registriesConf.toString(), "copy", "--src-authfile"));
                String unauthenticated;
                try {
                    List<String> withoutHelper = new ArrayList<>(pull);
                    withoutHelper.addAll(List.of(emptyAuth.toString(), "docker://" + ECR_HOST + "/" + IMAGE,
                            "dir:" + work.resolve("pulled-anonymously")));
                    command(withoutHelper, consumerEnv, "");
                    unauthenticated = null;
                } catch (IOException expected) {
                    unauthenticated = expected.getMessage();
                }
                out.println("  consumer side, no credentials: pull refused ("
                        + (unauthenticated == null ? "NOT refused" : "authentication required") + ")");

                pull.addAll(List.of(authFile.toString(), "docker://" + ECR_HOST + "/" + IMAGE,
                        "dir:" + work.resolve("pulled")));
                command(pull, consumerEnv, "");
                String pulledLayer = OciLayout.pulledLayerDigest(work.resolve("pulled"));
                out.println("  consumer side: skopeo copy docker://" + ECR_HOST + "/" + IMAGE
                        + " through credHelpers -> docker-credential-ecr-share -> ecr-login.sh -> token endpoint");
                boolean signed = endpoint.requests().stream().allMatch(FakeTokenEndpoint.RecordedRequest::signatureValid);
                return new Result(password, endpoint.requests().size(), signed, pulledLayer, pushedLayer,
                        unauthenticated, work.resolve("helper-cache/" + ACCOUNT + "." + REGION).toString());
            } finally {
                Runtime.getRuntime().removeShutdownHook(stopRegistry);
                registry.destroy();
                if (!registry.waitFor(10, TimeUnit.SECONDS)) {
                    registry.destroyForcibly().waitFor();
                }
            }
        }
    }

    private Map<String, String> skopeoEnv(Path scripts) throws IOException {
        Path home = Files.createDirectories(work.resolve("home"));
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        return new java.util.HashMap<>(Map.of(
                "PATH", scripts + File.pathSeparator + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                "HOME", home.toString(), "TMPDIR", tmp.toString(), "XDG_RUNTIME_DIR", tmp.toString()));
    }

    private String command(List<String> command, Map<String, String> env, String stdin) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (!env.isEmpty()) {
            builder.environment().clear();
            builder.environment().putAll(env);
        }
        Process process = builder.start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(command.get(0) + " timed out: " + output);
        }
        if (process.exitValue() != 0) {
            throw new IOException(command.get(0) + " exited " + process.exitValue() + ": " + output);
        }
        return output;
    }

    private static void awaitRegistry(String host, Process registry) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < 100; i++) {
            if (!registry.isAlive()) {
                throw new IOException("docker-registry exited " + registry.exitValue());
            }
            try {
                int status = client.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 401) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IOException("docker-registry did not answer on " + host);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** A one-layer OCI image layout (image-spec "image-layout.md"), built with tar and SHA-256. */
    static final class OciLayout {
        private OciLayout() {
        }

        static Path write(Path layout, String tag, String fileContent) throws Exception {
            Path content = Files.createDirectories(layout.resolveSibling("oci-content"));
            Files.writeString(content.resolve("hello.txt"), fileContent);
            Path layer = layout.resolveSibling("layer.tar.gz");
            Process tar = new ProcessBuilder("tar", "-czf", layer.toString(), "-C", content.toString(), ".")
                    .redirectErrorStream(true).start();
            String tarOutput = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (tar.waitFor() != 0) {
                throw new IOException("tar failed: " + tarOutput);
            }
            byte[] layerBytes = Files.readAllBytes(layer);
            byte[] uncompressed = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(layerBytes)).readAllBytes();
            Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
            String layerDigest = blob(blobs, layerBytes);
            String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
                    + "\"diff_ids\":[\"sha256:" + sha256(uncompressed) + "\"]}}";
            byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
            String configDigest = blob(blobs, configBytes);
            String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
                    + configDigest + "\",\"size\":" + configBytes.length + "},\"layers\":[{\"mediaType\":"
                    + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:" + layerDigest
                    + "\",\"size\":" + layerBytes.length + "}]}";
            byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
            String manifestDigest = blob(blobs, manifestBytes);
            Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                    + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + manifestDigest
                    + "\",\"size\":" + manifestBytes.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\""
                    + tag + "\"}}]}");
            Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            Files.writeString(layout.resolve("layer-digest"), layerDigest);
            return layout;
        }

        static String layerDigest(Path layout) throws IOException {
            return "sha256:" + Files.readString(layout.resolve("layer-digest"));
        }

        /** The layer digest in a skopeo dir: copy (manifest.json plus one file per blob, named by digest). */
        static String pulledLayerDigest(Path dir) throws IOException {
            String manifest = Files.readString(dir.resolve("manifest.json"));
            java.util.regex.Matcher layer = java.util.regex.Pattern
                    .compile("\"layers\"\\s*:\\s*\\[\\s*\\{[^}]*\"digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\"")
                    .matcher(manifest);
            if (!layer.find()) {
                throw new IOException("no layer in the pulled manifest: " + manifest);
            }
            String digest = layer.group(1);
            String actual = "sha256:" + sha256(Files.readAllBytes(dir.resolve(digest.substring("sha256:".length()))));
            if (!actual.equals(digest)) {
                throw new IOException("pulled layer content " + actual + " does not match its digest " + digest);
            }
            return digest;
        }

        private static String blob(Path blobs, byte[] bytes) throws IOException {
            String digest = sha256(bytes);
            Files.write(blobs.resolve(digest), bytes);
            return digest;
        }

        static String sha256(byte[] bytes) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
