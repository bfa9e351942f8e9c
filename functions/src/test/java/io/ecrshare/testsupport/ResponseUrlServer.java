package io.ecrshare.testsupport;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for a CloudFormation custom resource's ResponseURL (a pre-signed S3 PUT URL: the responder PUTs its
 * JSON answer there, per the custom resource request/response documentation) on 127.0.0.1, recording each body.
 */
public final class ResponseUrlServer implements AutoCloseable {

    private final HttpServer server;
    /** Every answer received, as "METHOD body". */
    public final List<String> answers = new CopyOnWriteArrayList<>();

    public ResponseUrlServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            answers.add(exchange.getRequestMethod() + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/presigned?X-Amz-Signature=abc";
    }

    /** The body of the n-th answer (without the method). */
    public String body(int n) {
        String answer = answers.get(n);
        return answer.substring(answer.indexOf(' ') + 1);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
