package io.ecrshare.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * template.yaml as CloudFormation will see it: translated by aws-sam-translator (installed with moto and
 * cfn-lint; missing it fails, never skips), then, for a stand-in of what CloudFormation does at create time,
 * {@link #resolve} evaluates the intrinsic functions the template uses (Ref, Fn::If with the template's
 * Conditions, Fn::Split, Fn::Join, Fn::Sub; Fn::GetAtt stands for the resource's logical ID) as the CloudFormation User Guide's "Intrinsic function reference"
 * defines them (Fn::Split keeps empty strings; AWS::NoValue removes the property or list element).
 */
public final class SamTranslator {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String ACCOUNT = "123456789012";
    public static final String REGION = "us-east-1";
    public static final String API_ID = "abc123defg";

    private final JsonNode template;
    private final Map<String, String> parameters;

    private SamTranslator(JsonNode template, Map<String, String> parameters) {
        this.template = template;
        this.parameters = parameters;
    }

    /** Translates template.yaml with the given parameter values (others take their defaults). */
    public static SamTranslator translate(Map<String, String> parameters) throws Exception {
        String script = String.join("\n",
                "import json, sys",
                "from samtranslator.translator.transform import transform",
                "from samtranslator.yaml_helper import yaml_parse",
                "class Policies:",
                "    def load(self): return {}",
                "t = yaml_parse(open(sys.argv[1]).read())",
                "t['Globals']['Function']['CodeUri'] = 's3://bucket/functions.zip'",
                "print(json.dumps(transform(t, json.loads(sys.argv[2]), Policies())))");
        List<String> command = new ArrayList<>(List.of("python3", "-c", script,
                ProjectFiles.root().resolve("template.yaml").toString(), JSON.writeValueAsString(parameters)));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("AWS_DEFAULT_REGION", REGION);
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), "samtranslator failed (is aws-sam-translator installed?): " + err);
        JsonNode translated = JSON.readTree(out);
        Map<String, String> values = new HashMap<>();
        translated.path("Parameters").fields().forEachRemaining(p -> values.put(p.getKey(), p.getValue().path("Default").asText("")));
        values.putAll(parameters);
        return new SamTranslator(translated, values);
    }

    /** The translated template, intrinsics unresolved. */
    public JsonNode template() {
        return template;
    }

    public JsonNode resources() {
        return template.path("Resources");
    }

    /** A node of the translated template with its intrinsic functions evaluated (null when it is AWS::NoValue). */
    public JsonNode resolve(JsonNode node) {
        if (node.isArray()) {
            ArrayNode result = JSON.createArrayNode();
            node.forEach(element -> {
                JsonNode resolved = resolve(element);
                if (resolved != null) {
                    result.add(resolved);
                }
            });
            return result;
        }
        if (!node.isObject()) {
            return node;
        }
        if (node.size() == 1) {
            String fn = node.fieldNames().next();
            JsonNode args = node.get(fn);
            switch (fn) {
                case "Ref" -> {
                    return ref(args.asText());
                }
                case "Fn::GetAtt" -> {
                    return TextNode.valueOf(args.get(0).asText());   // another resource's attribute: its logical ID stands in
                }
                case "Fn::If" -> {
                    return resolve(condition(args.get(0).asText()) ? args.get(1) : args.get(2));
                }
                case "Fn::Split" -> {
                    ArrayNode parts = JSON.createArrayNode();
                    Arrays.stream(resolve(args.get(1)).asText().split(Pattern.quote(args.get(0).asText()), -1)).forEach(parts::add);
                    return parts;
                }
                case "Fn::Join" -> {
                    List<String> parts = new ArrayList<>();
                    resolve(args.get(1)).forEach(p -> parts.add(p.asText()));
                    return TextNode.valueOf(String.join(args.get(0).asText(), parts));
                }
                case "Fn::Sub" -> {
                    String text = args.isTextual() ? args.asText() : args.get(0).asText();
                    Map<String, JsonNode> vars = new HashMap<>();
                    if (args.isArray()) {
                        args.get(1).fields().forEachRemaining(v -> vars.put(v.getKey(), resolve(v.getValue())));
                    }
                    Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(text);
                    StringBuilder out = new StringBuilder();
                    while (m.find()) {
                        JsonNode value = vars.containsKey(m.group(1)) ? vars.get(m.group(1)) : ref(m.group(1));
                        m.appendReplacement(out, Matcher.quoteReplacement(value.asText()));
                    }
                    m.appendTail(out);
                    return TextNode.valueOf(out.toString());
                }
                default -> {
                    // not an intrinsic: an ordinary one-field object
                }
            }
        }
        ObjectNode result = JSON.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode resolved = resolve(field.getValue());
            if (resolved != null) {
                result.set(field.getKey(), resolved);
            }
        }
        return result;
    }

    private JsonNode ref(String name) {
        return switch (name) {
            case "AWS::NoValue" -> null;
            case "AWS::AccountId" -> TextNode.valueOf(ACCOUNT);
            case "AWS::Region" -> TextNode.valueOf(REGION);
            case "AWS::Partition" -> TextNode.valueOf("aws");
            case "AWS::URLSuffix" -> TextNode.valueOf("amazonaws.com");
            case "AWS::StackName" -> TextNode.valueOf("ecr-share");
            case "TokenApi" -> TextNode.valueOf(API_ID);
            default -> {
                if (parameters.containsKey(name)) {
                    yield TextNode.valueOf(parameters.get(name));
                }
                yield TextNode.valueOf(name);   // another resource: its logical ID stands in for its physical ID
            }
        };
    }

    private boolean condition(String name) {
        JsonNode definition = template.path("Conditions").get(name);
        if (definition == null) {
            throw new AssertionError("no condition " + name);
        }
        return evaluate(definition);
    }

    private boolean evaluate(JsonNode node) {
        String fn = node.fieldNames().next();
        JsonNode args = node.get(fn);
        return switch (fn) {
            case "Fn::Not" -> !evaluate(args.get(0));
            case "Fn::And" -> { boolean all = true; for (JsonNode a : args) { all &= evaluate(a); } yield all; }
            case "Fn::Or" -> { boolean any = false; for (JsonNode a : args) { any |= evaluate(a); } yield any; }
            case "Fn::Equals" -> resolve(args.get(0)).asText().equals(resolve(args.get(1)).asText());
            case "Condition" -> condition(args.asText());
            default -> throw new AssertionError("unknown condition function " + fn);
        };
    }
}
