package io.ecrshare.script;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Loopback container credentials endpoint, as the ECS agent and the EKS Pod Identity agent serve it
 * (ECS developer guide "Task IAM role", EKS user guide "Pod Identity"; the SDKs' ContainerCredentialsProvider):
 * GET on the configured path returns {AccessKeyId, SecretAccessKey, Token, Expiration, RoleArn}; when an
 * authorization token is configured, a request without exactly that Authorization header gets 401.
 */
final class FakeContainerCredentials implements AutoCloseable {

    static final String PATH = "/v2/credentials/task-role";

    private final HttpServer server;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final String sessionToken;
    private final String authorizationToken;
    private final List<String> receivedAuthorizations = new CopyOnWriteArrayList<>();

    FakeContainerCredentials(String accessKeyId, String secretAccessKey, String sessionToken, String authorizationToken)
            throws IOException {
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.sessionToken = sessionToken;
        this.authorizationToken = authorizationToken;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String fullUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** The Authorization header of each request (null when absent). */
    List<String> receivedAuthorizations() {
        return List.copyOf(receivedAuthorizations);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        receivedAuthorizations.add(authorization);
        int status;
        String body;
        if (!exchange.getRequestURI().getPath().equals(PATH) || !"GET".equals(exchange.getRequestMethod())) {
            status = 404;
            body = "";
        } else if (authorizationToken != null && !authorizationToken.equals(authorization)) {
            status = 401;
            body = "{\"message\":\"invalid authorization token\"}";
        } else {
            status = 200;
            body = """
                    {"AccessKeyId":"%s","SecretAccessKey":"%s","Token":"%s","Expiration":"2099-01-01T06:00:00Z",\
                    "RoleArn":"arn:aws:iam::999999999999:role/task"}""".formatted(accessKeyId, secretAccessKey, sessionToken);
        }
        FakeImds.reply(exchange, status, body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
