package io.ecrshare.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrshare.event.MalformedEventException;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code Custom::EcrShareFunctionConfigurationDigest} resource: a SHA-256 of each function's environment,
 * which template.yaml puts in the function's VersionDescription so that a deploy changing only parameters
 * still publishes a new version (template.yaml says why SAM alone does not). Properties: {@code Functions}
 * (names), {@code Common} (the variables every function has) and, per name, that function's own variables;
 * CloudFormation passes every value as a string. The digest is over the merged variables in name order, so
 * it changes exactly when the function's environment does.
 */
final class FunctionConfigurationDigest {

    static final String RESOURCE_TYPE = "Custom::EcrShareFunctionConfigurationDigest";
    static final String PHYSICAL_ID = "ecr-share-function-configuration-digest";
    private static final ObjectMapper JSON = new ObjectMapper();

    private FunctionConfigurationDigest() {
    }

    /** @return one attribute per function name: the hex SHA-256 of its environment */
    static ObjectNode digests(JsonNode properties) {
        JsonNode names = properties.path("Functions");
        if (!names.isArray() || names.isEmpty()) {
            throw new MalformedEventException("Functions must list the function names, got: " + names);
        }
        Map<String, String> common = variables(properties, "Common");
        ObjectNode data = JSON.createObjectNode();
        for (JsonNode name : names) {
            if (!name.isTextual() || name.asText().isBlank() || "Common".equals(name.asText()) || "Functions".equals(name.asText())) {
                throw new MalformedEventException("Functions must be names, got: " + name);
            }
            Map<String, String> environment = new TreeMap<>(common);
            environment.putAll(variables(properties, name.asText()));
            data.put(name.asText(), sha256(environment));
        }
        return data;
    }

    static String sha256(Map<String, String> environment) {
        try {
            byte[] canonical = JSON.writeValueAsBytes(new TreeMap<>(environment));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A function's own variables; absent means none (CloudFormation may drop an empty map). */
    private static Map<String, String> variables(JsonNode properties, String key) {
        JsonNode node = properties.path(key);
        Map<String, String> variables = new TreeMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return variables;
        }
        if (!node.isObject()) {
            throw new MalformedEventException(key + " must map variable names to values, got: " + node);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
                throw new MalformedEventException(key + "." + entry.getKey() + " must be a value, got: " + entry.getValue());
            }
            variables.put(entry.getKey(), entry.getValue().asText());
        }
        return variables;
    }
}
