package io.ecrshare.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecrshare.config.AwsIds;
import io.ecrshare.config.Consumers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides, for exclusive mode, whether a statement we do not manage grants access to someone who is
 * neither the owner account nor a configured consumer. Deny statements only take access away and are
 * always allowed; service principals (lambda.amazonaws.com and the like) are allowed because they act on
 * behalf of resources, not of other accounts' people.
 */
public final class ForeignAccessReview {

    private static final Pattern ACCOUNT_IN_ARN = Pattern.compile("arn:[a-z-]+:(iam|sts)::(\\d{12}):.*");

    private final Set<String> allowedAccounts = new HashSet<>();
    private final Set<String> allowedOrgIds;
    private final Set<String> allowedOrgPaths;

    public ForeignAccessReview(String ownerAccountId, Consumers consumers) {
        if (ownerAccountId != null) {
            allowedAccounts.add(ownerAccountId);
        }
        allowedAccounts.addAll(consumers.accountIds());
        allowedAccounts.addAll(consumers.principalAccountIds());
        allowedOrgIds = Set.copyOf(consumers.orgIds());
        allowedOrgPaths = Set.copyOf(consumers.orgPaths());
    }

    /** Why the statement grants access to an outsider, or null when it does not. */
    public String outsiderAccess(JsonNode statement) {
        if (!"Allow".equals(statement.path("Effect").asText())) {
            return null;
        }
        if (statement.has("NotPrincipal")) {
            return "Allow with NotPrincipal grants everyone not listed";
        }
        JsonNode principal = statement.get("Principal");
        if (principal == null) {
            return null;
        }
        if (principal.isTextual()) {
            return wildcardVerdict(principal.asText(), statement);
        }
        Iterator<Map.Entry<String, JsonNode>> kinds = principal.fields();
        while (kinds.hasNext()) {
            Map.Entry<String, JsonNode> kind = kinds.next();
            if ("Service".equals(kind.getKey())) {
                continue;
            }
            for (String value : values(kind.getValue())) {
                String verdict = "AWS".equals(kind.getKey()) ? awsVerdict(value, statement)
                        : kind.getKey() + " principal " + value + " is not a configured consumer";
                if (verdict != null) {
                    return verdict;
                }
            }
        }
        return null;
    }

    private String awsVerdict(String value, JsonNode statement) {
        if ("*".equals(value)) {
            return wildcardVerdict(value, statement);
        }
        Matcher arn = ACCOUNT_IN_ARN.matcher(value);
        String account = arn.matches() ? arn.group(2) : AwsIds.isAccountId(value) ? value : null;
        if (account == null) {
            return "principal " + value + " is not an account or ARN we can attribute (stale unique ID?)";
        }
        return allowedAccounts.contains(account) ? null
                : "principal " + value + " belongs to account " + account + ", which is neither the owner nor a consumer";
    }

    /** "*" is acceptable only when a condition pins it to configured organizations or organization paths. */
    private String wildcardVerdict(String value, JsonNode statement) {
        if (!"*".equals(value)) {
            return "principal " + value + " is not a configured consumer";
        }
        JsonNode condition = statement.path("Condition");
        List<String> orgIds = conditionValues(condition, "aws:PrincipalOrgID");
        if (!orgIds.isEmpty() && allowedOrgIds.containsAll(orgIds)) {
            return null;
        }
        List<String> paths = conditionValues(condition, "aws:PrincipalOrgPaths");
        if (!paths.isEmpty() && allowedOrgPaths.containsAll(paths)) {
            return null;
        }
        return "Principal \"*\" without a condition limiting it to configured organizations";
    }

    private static List<String> conditionValues(JsonNode condition, String key) {
        List<String> found = new ArrayList<>();
        condition.fields().forEachRemaining(operator -> {
            String op = operator.getKey();
            if (op.contains("StringEquals") || op.contains("StringLike")) {
                operator.getValue().fields().forEachRemaining(entry -> {
                    if (entry.getKey().equalsIgnoreCase(key)) {
                        found.addAll(values(entry.getValue()));
                    }
                });
            }
        });
        return found;
    }

    private static List<String> values(JsonNode node) {
        List<String> list = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> list.add(n.asText()));
        } else {
            list.add(node.asText());
        }
        return list;
    }
}
