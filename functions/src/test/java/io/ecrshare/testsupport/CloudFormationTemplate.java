package io.ecrshare.testsupport;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/** template.yaml as plain maps, with CloudFormation's short-form tags (!Ref, !Sub, !GetAtt...) in long form. */
public final class CloudFormationTemplate {

    private final Map<String, Object> root;

    private CloudFormationTemplate(Map<String, Object> root) {
        this.root = root;
    }

    public static CloudFormationTemplate load() {
        return load(ProjectFiles.root().resolve("template.yaml"));
    }

    /** Another template of this repository, e.g. consumer/template.yaml. */
    public static CloudFormationTemplate load(java.nio.file.Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new CloudFormationTemplate(new Yaml(new IntrinsicConstructor()).load(reader));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    public Map<String, Map<String, Object>> resources() {
        return (Map<String, Map<String, Object>>) root.get("Resources");
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> section(String name) {
        return (Map<String, Object>) root.get(name);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> properties(String logicalId) {
        Map<String, Object> resource = resources().get(logicalId);
        if (resource == null) {
            throw new AssertionError("template has no resource " + logicalId);
        }
        return (Map<String, Object>) resource.get("Properties");
    }

    /** Logical IDs of every resource of a type, in template order. */
    public List<String> ofType(String type) {
        return resources().entrySet().stream().filter(e -> type.equals(e.getValue().get("Type"))).map(Map.Entry::getKey).toList();
    }

    /**
     * The node with Ref, Fn::Sub, Fn::Split, Fn::Join and Fn::If evaluated as CloudFormation would, from
     * parameter and pseudo-parameter values and the conditions that hold; AWS::NoValue drops the entry.
     */
    @SuppressWarnings("unchecked")
    public static Object resolve(Object node, Map<String, ?> values, java.util.function.Predicate<String> conditions) {
        if (node instanceof List<?> list) {
            List<Object> out = new java.util.ArrayList<>();
            for (Object item : list) {
                Object resolved = resolve(item, values, conditions);
                if (resolved != NO_VALUE) {
                    out.add(resolved);
                }
            }
            return out;
        }
        if (!(node instanceof Map<?, ?> map)) {
            return node;
        }
        if (map.size() == 1) {
            String fn = (String) map.keySet().iterator().next();
            Object arg = map.get(fn);
            switch (fn) {
                case "Ref" -> {
                    if ("AWS::NoValue".equals(arg)) {
                        return NO_VALUE;
                    }
                    Object value = values.get((String) arg);
                    if (value == null) {
                        throw new AssertionError("no value given for Ref " + arg);
                    }
                    return value;
                }
                case "Fn::Sub" -> {
                    String text = arg instanceof String t ? t : (String) ((List<?>) arg).get(0);
                    Map<String, Object> scope = new java.util.HashMap<>(values);
                    if (arg instanceof List<?> l) {
                        ((Map<String, Object>) l.get(1)).forEach((k, v) -> scope.put(k, resolve(v, values, conditions)));
                    }
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([^}!]+)}").matcher(text);
                    StringBuilder sb = new StringBuilder();
                    while (m.find()) {
                        Object value = scope.get(m.group(1));
                        if (value == null) {
                            throw new AssertionError("no value given for ${" + m.group(1) + "}");
                        }
                        m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement(String.valueOf(value)));
                    }
                    m.appendTail(sb);
                    return sb.toString();
                }
                case "Fn::Split" -> {
                    List<?> a = (List<?>) arg;
                    String source = (String) resolve(a.get(1), values, conditions);
                    return List.of(source.split(java.util.regex.Pattern.quote((String) a.get(0)), -1));
                }
                case "Fn::Join" -> {
                    List<?> a = (List<?>) arg;
                    List<?> parts = (List<?>) resolve(a.get(1), values, conditions);
                    return String.join((String) a.get(0), parts.stream().map(String::valueOf).toList());
                }
                case "Fn::If" -> {
                    List<?> a = (List<?>) arg;
                    return resolve(conditions.test((String) a.get(0)) ? a.get(1) : a.get(2), values, conditions);
                }
                default -> {
                    // not an intrinsic function: an ordinary one-key map, resolved below
                }
            }
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object resolved = resolve(entry.getValue(), values, conditions);
            if (resolved != NO_VALUE) {
                out.put((String) entry.getKey(), resolved);
            }
        }
        return out;
    }

    private static final Object NO_VALUE = new Object();

    /** Reads a nested value by keys ("Properties", "Events", ...); null when absent. */
    @SuppressWarnings("unchecked")
    public static Object at(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map)) {
                return null;
            }
            current = ((Map<String, Object>) current).get(key);
        }
        return current;
    }

    private static final class IntrinsicConstructor extends SafeConstructor {
        IntrinsicConstructor() {
            super(new LoaderOptions());
            for (String fn : List.of("Sub", "Join", "If", "Equals", "Not", "And", "Or", "Select", "Split", "FindInMap",
                    "ImportValue", "Base64", "Cidr", "GetAZs", "Transform", "ToJsonString", "Length")) {
                yamlConstructors.put(new Tag("!" + fn), new Intrinsic("Fn::" + fn));
            }
            yamlConstructors.put(new Tag("!Ref"), new Intrinsic("Ref"));
            yamlConstructors.put(new Tag("!Condition"), new Intrinsic("Condition"));
            yamlConstructors.put(new Tag("!GetAtt"), new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    if (node instanceof ScalarNode scalar) {
                        String[] parts = scalar.getValue().split("\\.", 2);
                        return Map.of("Fn::GetAtt", List.of(parts[0], parts[1]));
                    }
                    return Map.of("Fn::GetAtt", constructSequence((SequenceNode) node));
                }
            });
        }

        private final class Intrinsic extends AbstractConstruct {
            private final String key;

            Intrinsic(String key) {
                this.key = key;
            }

            @Override
            public Object construct(Node node) {
                if (node instanceof ScalarNode scalar) {
                    return Map.of(key, scalar.getValue());
                }
                if (node instanceof SequenceNode sequence) {
                    return Map.of(key, constructSequence(sequence));
                }
                return Map.of(key, constructMapping((MappingNode) node));
            }
        }
    }
}
