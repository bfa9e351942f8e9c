package io.ecrshare.testsupport;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import software.amazon.awssdk.http.TlsTrustManagersProvider;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 (made once per JVM with the JDK's keytool), so loopback stand-ins
 * can speak HTTPS and the SDK can reach them over a real TLS handshake: {@link #serverContext} for the
 * servers, {@link #trust} for an SDK HTTP client in the same JVM, {@link #trustStore} (the JDK's CA
 * certificates plus this one, so loading it costs what the real trust store costs) for
 * {@code -Djavax.net.ssl.trustStore} in a child JVM.
 */
public final class LoopbackTls {

    public static final String PASSWORD = "changeit";
    private static LoopbackTls instance;

    private final Path keyStore;
    private final Path trustStore;
    private final KeyStore keys;

    private LoopbackTls(Path dir) throws IOException, GeneralSecurityException, InterruptedException {
        keyStore = dir.resolve("loopback.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "loopback", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "3650",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        keys = KeyStore.getInstance(keyStore.toFile(), PASSWORD.toCharArray());
        Certificate certificate = keys.getCertificate("loopback");

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        KeyStore jdk = KeyStore.getInstance(cacerts.toFile(), PASSWORD.toCharArray());
        for (String alias : Collections.list(jdk.aliases())) {
            if (jdk.isCertificateEntry(alias)) {
                trusted.setCertificateEntry(alias, jdk.getCertificate(alias));
            }
        }
        trusted.setCertificateEntry("ecr-share-loopback", certificate);
        trustStore = dir.resolve("truststore.p12");
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trusted.store(out, PASSWORD.toCharArray());
        }
    }

    public static synchronized LoopbackTls get() {
        if (instance == null) {
            try {
                Path dir = Files.createTempDirectory("ecr-share-tls");
                dir.toFile().deleteOnExit();
                instance = new LoopbackTls(dir);
                for (Path file : List.of(instance.keyStore, instance.trustStore)) {
                    file.toFile().deleteOnExit();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        return instance;
    }

    public SSLContext serverContext() {
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trusts this certificate only. */
    public TlsTrustManagersProvider trust() {
        return () -> {
            try {
                KeyStore only = KeyStore.getInstance("PKCS12");
                only.load(null, null);
                only.setCertificateEntry("loopback", keys.getCertificate("loopback"));
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(only);
                return factory.getTrustManagers();
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    public Path trustStore() {
        return trustStore;
    }

    /** A started-later HTTP server on 127.0.0.1: HTTPS with this certificate when {@code https}. */
    public static HttpServer server(boolean https) throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (!https) {
            return HttpServer.create(address, 0);
        }
        HttpsServer server = HttpsServer.create(address, 0);
        server.setHttpsConfigurator(new HttpsConfigurator(get().serverContext()));
        return server;
    }

    /** The base URL of a server made by {@link #server}. */
    public static String endpoint(HttpServer server) {
        return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
    }
}
