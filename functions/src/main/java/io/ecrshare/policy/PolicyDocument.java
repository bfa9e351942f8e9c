package io.ecrshare.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An IAM resource policy as parsed JSON. Statements are kept as JSON values so that statements we do not
 * manage are written back exactly as they were. Equality is semantic ({@link #isEquivalentTo}) because ECR
 * re-formats the text it stores.
 */
public final class PolicyDocument {

    /** ECR's limit on repository policy text. */
    public static final int MAX_LENGTH = 10_240;
    public static final String DEFAULT_VERSION = "2012-10-17";

    static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode root;
    /** The text, serialised once: the size check and the write use the same string. */
    private String json;

    private PolicyDocument(ObjectNode root) {
        this.root = root;
    }

    public static PolicyDocument parse(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidPolicyException("policy text is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidPolicyException("policy text is not a JSON object");
        }
        ObjectNode root = (ObjectNode) node;
        JsonNode statement = root.get("Statement");
        if (statement != null && !statement.isArray() && !statement.isObject()) {
            throw new InvalidPolicyException("policy Statement must be an object or an array of objects");
        }
        return new PolicyDocument(root);
    }

    /** A document with the given statements, keeping this document's other top-level fields (Version, Id). */
    public PolicyDocument withStatements(List<JsonNode> statements) {
        ObjectNode copy = root.deepCopy();
        if (!copy.hasNonNull("Version")) {
            copy.put("Version", DEFAULT_VERSION);
        }
        ArrayNode array = copy.putArray("Statement");
        statements.forEach(array::add);
        return new PolicyDocument(copy);
    }

    public static PolicyDocument of(List<JsonNode> statements) {
        ObjectNode root = JSON.createObjectNode();
        root.put("Version", DEFAULT_VERSION);
        return new PolicyDocument(root).withStatements(statements);
    }

    /** Statements in document order; a single statement object counts as a list of one. */
    public List<JsonNode> statements() {
        JsonNode statement = root.get("Statement");
        List<JsonNode> list = new ArrayList<>();
        if (statement == null) {
            return list;
        }
        if (statement.isObject()) {
            list.add(statement);
        } else {
            statement.forEach(list::add);
        }
        return list;
    }

    /** A copy of the document as a JSON tree (for structured logs and reports). */
    public JsonNode asJson() {
        return root.deepCopy();
    }

    public String toJson() {
        if (json == null) {
            json = root.toString();   // root is never changed after construction
        }
        return json;
    }

    public int length() {
        return toJson().length();
    }

    public boolean isEquivalentTo(PolicyDocument other) {
        return canonical(root).equals(canonical(other.root));
    }

    /** The canonical form as text: equal for equivalent policies (what ecr-share's write marker digests). */
    public String canonicalJson() {
        return canonical(root).toString();
    }

    /** A statement's canonical form as text, to compare statements as sets. */
    public static String canonicalStatement(JsonNode statement) {
        return canonical(statement).toString();
    }

    public static boolean equivalentStatements(JsonNode a, JsonNode b) {
        return canonical(a).equals(canonical(b));
    }

    /**
     * IAM reads every list in a policy as a set and a one-element list as its element: canonical form sorts
     * object keys, sorts and de-duplicates arrays, and unwraps singletons, so re-formatted or re-ordered
     * but equal policies compare equal.
     */
    static JsonNode canonical(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                sorted.put(field.getKey(), canonical(field.getValue()));
            }
            ObjectNode result = JSON.createObjectNode();
            sorted.forEach(result::set);
            return result;
        }
        if (node.isArray()) {
            TreeMap<String, JsonNode> unique = new TreeMap<>();
            node.forEach(element -> {
                JsonNode c = canonical(element);
                unique.put(c.toString(), c);
            });
            if (unique.size() == 1) {
                return unique.firstEntry().getValue();
            }
            ArrayNode result = JSON.createArrayNode();
            unique.values().forEach(result::add);
            return result;
        }
        return node;
    }

    @Override
    public String toString() {
        return toJson();
    }
}
