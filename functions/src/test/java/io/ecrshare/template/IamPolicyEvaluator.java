package io.ecrshare.template;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A tiny IAM policy evaluator for template tests, following the IAM User Guide's "Policy evaluation logic"
 * (an explicit Deny wins, nothing allowed means denied) and "IAM JSON policy elements: Condition operators":
 * <ul>
 *   <li>Action and Resource with * and ? wildcards (actions case-insensitive, resources case-sensitive);
 *       Principal is matched when a statement has one (a principal ARN, "*" or an account root);</li>
 *   <li>StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringLike, StringNotLike, ArnLike; a key that is
 *       absent from the request never satisfies a positive operator and always satisfies a negated one;</li>
 *   <li>set operators for multivalued keys ("Single-valued vs. multivalued context keys"): ForAnyValue (some
 *       request value matches some policy value), ForAllValues (every request value matches; an absent key
 *       matches);</li>
 *   <li>condition key names are case-insensitive, and so is the tag key inside aws:ResourceTag/KEY ("Controlling
 *       access to AWS resources using tags": tag keys in conditions are case-insensitive).</li>
 * </ul>
 * IAM does not document how far "ignoring case" goes beyond ASCII, nor which tag it reads when a resource carries
 * two keys differing only in case. {@link Folding} chooses the reading; {@link #outcomes} tries every tag a
 * key could resolve to, so a test can require that an answer holds under every reading.
 */
final class IamPolicyEvaluator {

    /** How "ignoring case" is read: ASCII letters only, or Java's per-character Unicode case mapping. */
    enum Folding {
        ASCII, UNICODE;

        boolean equal(String a, String b) {
            if (this == UNICODE) {
                return a.equalsIgnoreCase(b) || a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT))
                        || a.toUpperCase(Locale.ROOT).equals(b.toUpperCase(Locale.ROOT));
            }
            if (a.length() != b.length()) {
                return false;
            }
            for (int i = 0; i < a.length(); i++) {
                char x = a.charAt(i);
                char y = b.charAt(i);
                if (x != y && (x > 127 || y > 127 || Character.toLowerCase(x) != Character.toLowerCase(y))) {
                    return false;
                }
            }
            return true;
        }
    }

    private final JsonNode policy;

    IamPolicyEvaluator(JsonNode policy) {
        this.policy = policy;
    }

    /** Identity-policy style (no principal), single-valued context, ASCII folding, the only reading of keys. */
    boolean allows(String action, String resource, Map<String, String> context) {
        Map<String, List<String>> multi = new LinkedHashMap<>();
        context.forEach((k, v) -> multi.put(k, List.of(v)));
        Set<Boolean> outcomes = outcomes(null, action, resource, multi, Folding.ASCII);
        if (outcomes.size() != 1) {
            throw new AssertionError("ambiguous context " + context + ": use outcomes()");
        }
        return outcomes.iterator().next();
    }

    /** Resource-policy style: the calling principal's ARN, and multivalued context keys. */
    boolean allows(String principalArn, String action, String resource, Map<String, List<String>> context) {
        Set<Boolean> outcomes = outcomes(principalArn, action, resource, context, Folding.ASCII);
        if (outcomes.size() != 1) {
            throw new AssertionError("ambiguous context " + context + ": use outcomes()");
        }
        return outcomes.iterator().next();
    }

    /**
     * Every decision IAM could reach: one per way of resolving the policy's condition keys to the request's keys
     * (a request key that matches a policy key only case-insensitively counts; several such keys are each tried).
     */
    Set<Boolean> outcomes(String principalArn, String action, String resource, Map<String, List<String>> context,
                          Folding folding) {
        Set<String> policyKeys = new HashSet<>();
        for (JsonNode statement : list(policy.path("Statement"))) {
            statement.path("Condition").fields().forEachRemaining(op -> op.getValue().fieldNames().forEachRemaining(policyKeys::add));
        }
        List<Map<String, List<String>>> resolutions = new ArrayList<>();
        resolutions.add(new LinkedHashMap<>());
        for (String policyKey : policyKeys) {
            List<String> candidates = context.keySet().stream().filter(k -> keyMatches(policyKey, k, folding)).toList();
            List<Map<String, List<String>>> next = new ArrayList<>();
            for (Map<String, List<String>> partial : resolutions) {
                if (candidates.isEmpty()) {
                    next.add(partial);
                }
                for (String candidate : candidates) {
                    Map<String, List<String>> extended = new LinkedHashMap<>(partial);
                    extended.put(policyKey, context.get(candidate));
                    next.add(extended);
                }
            }
            resolutions = next;
        }
        Set<Boolean> outcomes = new HashSet<>();
        for (Map<String, List<String>> resolved : resolutions) {
            outcomes.add(decide(principalArn, action, resource, resolved, folding));
        }
        return outcomes;
    }

    /** Condition key names are case-insensitive; the tag key part of aws:ResourceTag/KEY is folded as configured. */
    private static boolean keyMatches(String policyKey, String requestKey, Folding folding) {
        String prefix = "aws:resourcetag/";
        if (policyKey.toLowerCase(Locale.ROOT).startsWith(prefix) && requestKey.toLowerCase(Locale.ROOT).startsWith(prefix)) {
            return folding.equal(policyKey.substring(prefix.length()), requestKey.substring(prefix.length()));
        }
        return policyKey.equalsIgnoreCase(requestKey);
    }

    private boolean decide(String principalArn, String action, String resource, Map<String, List<String>> resolved,
                           Folding folding) {
        boolean allowed = false;
        for (JsonNode statement : list(policy.path("Statement"))) {
            if (!matchesAny(statement.path("Action"), action, true)
                    || (!statement.path("Resource").isMissingNode() && !matchesAny(statement.path("Resource"), resource, false))
                    || !principalMatches(statement.path("Principal"), principalArn)
                    || !conditionsHold(statement.path("Condition"), resolved, folding)) {
                continue;
            }
            if ("Deny".equals(statement.path("Effect").asText())) {
                return false;
            }
            allowed |= "Allow".equals(statement.path("Effect").asText());
        }
        return allowed;
    }

    private static boolean principalMatches(JsonNode principal, String principalArn) {
        if (principal.isMissingNode() || principalArn == null) {
            return true;
        }
        List<JsonNode> values = principal.isTextual() ? List.of(principal) : list(principal.path("AWS"));
        String account = principalArn.split(":").length > 4 ? principalArn.split(":")[4] : "";
        return values.stream().map(JsonNode::asText).anyMatch(p -> p.equals("*") || p.equals(principalArn)
                || p.equals(account) || p.equals("arn:aws:iam::" + account + ":root"));
    }

    private static boolean conditionsHold(JsonNode conditions, Map<String, List<String>> resolved, Folding folding) {
        var operators = conditions.fields();
        while (operators.hasNext()) {
            var operator = operators.next();
            var keys = operator.getValue().fields();
            while (keys.hasNext()) {
                var key = keys.next();
                List<String> actual = resolved.get(key.getKey());
                List<String> expected = list(key.getValue()).stream().map(JsonNode::asText).toList();
                if (!holds(operator.getKey(), expected, actual, folding)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean holds(String operator, List<String> expected, List<String> actual, Folding folding) {
        if (operator.startsWith("ForAnyValue:")) {
            String op = operator.substring("ForAnyValue:".length());
            return actual != null && actual.stream().anyMatch(a -> expected.stream().anyMatch(e -> compare(op, e, a, folding)));
        }
        if (operator.startsWith("ForAllValues:")) {
            String op = operator.substring("ForAllValues:".length());
            return actual == null || actual.stream().allMatch(a -> expected.stream().anyMatch(e -> compare(op, e, a, folding)));
        }
        boolean negated = operator.contains("Not");
        if (actual == null) {
            return negated;
        }
        if (actual.size() != 1) {
            throw new AssertionError(operator + " on a multivalued key needs ForAnyValue/ForAllValues");
        }
        String value = actual.get(0);
        if (negated) {
            String positive = operator.replace("Not", "");
            return expected.stream().noneMatch(e -> compare(positive, e, value, folding));
        }
        return expected.stream().anyMatch(e -> compare(operator, e, value, folding));
    }

    private static boolean compare(String operator, String expected, String actual, Folding folding) {
        return switch (operator) {
            case "StringEquals" -> expected.equals(actual);
            case "StringEqualsIgnoreCase" -> folding.equal(expected, actual);
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
            regex.append(c == '*' ? "(?s).*" : c == '?' ? "(?s)." : Pattern.quote(String.valueOf(c)));
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
