package io.ecrshare.template;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A tiny IAM identity-policy evaluator for template tests: Allow/Deny (an explicit Deny wins, nothing
 * allowed means denied), Action and Resource with * and ? wildcards, and the condition operators
 * StringEquals, StringEqualsIgnoreCase, StringLike and ArnLike (a missing key never matches), also with the
 * ForAnyValue: and ForAllValues: set qualifiers, for which a multi-valued context key (aws:TagKeys,
 * aws:PrincipalOrgPaths) is given comma-separated; as in IAM, ForAllValues holds when the key is missing.
 */
final class IamPolicyEvaluator {

    private final JsonNode policy;

    IamPolicyEvaluator(JsonNode policy) {
        this.policy = policy;
    }

    boolean allows(String action, String resource, Map<String, String> context) {
        boolean allowed = false;
        for (JsonNode statement : list(policy.path("Statement"))) {
            if (!matchesAny(statement.path("Action"), action, true) || !matchesAny(statement.path("Resource"), resource, false)
                    || !conditionsHold(statement.path("Condition"), context)) {
                continue;
            }
            if ("Deny".equals(statement.path("Effect").asText())) {
                return false;
            }
            allowed |= "Allow".equals(statement.path("Effect").asText());
        }
        return allowed;
    }

    private static boolean conditionsHold(JsonNode conditions, Map<String, String> context) {
        if (conditions.isMissingNode()) {
            return true;
        }
        var operators = conditions.fields();
        while (operators.hasNext()) {
            var operator = operators.next();
            var keys = operator.getValue().fields();
            while (keys.hasNext()) {
                var key = keys.next();
                String actual = context.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(key.getKey()))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                String op = operator.getKey();
                List<JsonNode> expected = list(key.getValue());
                if (op.startsWith("ForAllValues:")) {
                    String base = op.substring("ForAllValues:".length());
                    if (actual != null && !java.util.Arrays.stream(actual.split(","))
                            .allMatch(a -> expected.stream().anyMatch(v -> compare(base, v.asText(), a)))) {
                        return false;
                    }
                    continue;
                }
                if (op.startsWith("ForAnyValue:")) {
                    String base = op.substring("ForAnyValue:".length());
                    if (actual == null || java.util.Arrays.stream(actual.split(","))
                            .noneMatch(a -> expected.stream().anyMatch(v -> compare(base, v.asText(), a)))) {
                        return false;
                    }
                    continue;
                }
                if (actual == null || expected.stream().noneMatch(v -> compare(op, v.asText(), actual))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean compare(String operator, String expected, String actual) {
        return switch (operator) {
            case "StringEquals" -> expected.equals(actual);
            case "StringEqualsIgnoreCase" -> expected.equalsIgnoreCase(actual);
            case "StringLike", "ArnLike" -> wildcard(expected, false).matcher(actual).matches();
            default -> throw new AssertionError("the evaluator does not know condition operator " + operator);
        };
    }

    private static boolean matchesAny(JsonNode patterns, String value, boolean ignoreCase) {
        return list(patterns).stream().anyMatch(p -> wildcard(p.asText(), ignoreCase).matcher(value).matches());
    }

    private static Pattern wildcard(String pattern, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return ignoreCase ? Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE) : Pattern.compile(regex.toString());
    }

    private static List<JsonNode> list(JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        } else if (!node.isMissingNode() && !node.isNull()) {
            items.add(node);
        }
        return items;
    }
}
