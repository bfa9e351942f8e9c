package io.ecrshare.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * Answers a CloudFormation custom resource request by PUTting the result to its pre-signed S3 URL. The body
 * must be sent with an empty Content-Type, because that is what the URL was signed for.
 */
public final class CloudFormationResponder {

    static final String PHYSICAL_ID = "ecr-share-configuration-convergence";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 3;

    public void respond(JsonNode request, boolean success, String reason) {
        respond(request, success, reason, PHYSICAL_ID, JSON.createObjectNode());
    }

    /**
     * @param physicalId used when the request has none (Create); CloudFormation replaces a resource whose
     *                   physical ID changes, so each resource type keeps one
     * @param data       the resource's attributes (Fn::GetAtt)
     */
    public void respond(JsonNode request, boolean success, String reason, String physicalId, ObjectNode data) {
        ObjectNode body = JSON.createObjectNode();
        body.put("Status", success ? "SUCCESS" : "FAILED");
        body.put("Reason", reason);
        body.put("PhysicalResourceId", request.path("PhysicalResourceId").asText(physicalId));
        body.put("StackId", request.path("StackId").asText());
        body.put("RequestId", request.path("RequestId").asText());
        body.put("LogicalResourceId", request.path("LogicalResourceId").asText());
        body.set("Data", data);
        byte[] bytes = body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                put(request.path("ResponseURL").asText(), bytes);
                return;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IllegalStateException("could not answer CloudFormation at its ResponseURL: " + last.getMessage(), last);
    }

    private static void put(String url, byte[] body) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try {
            connection.setRequestMethod("PUT");
            connection.setDoOutput(true);
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(10_000);
            connection.setRequestProperty("Content-Type", "");
            connection.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
            int status = connection.getResponseCode();
            if (status / 100 != 2) {
                throw new IOException("ResponseURL answered HTTP " + status);
            }
        } finally {
            connection.disconnect();
        }
    }
}
