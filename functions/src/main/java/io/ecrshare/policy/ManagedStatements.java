package io.ecrshare.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrshare.config.Consumers;

import java.util.ArrayList;
import java.util.List;

/**
 * The standard cross-account pull statements, derived from the configured consumers. They are recognised in
 * any policy by their Sid prefix, so a change of configuration replaces them wholesale and nothing else is
 * touched.
 */
public final class ManagedStatements {

    public static final String SID_PREFIX = "EcrShare";
    /**
     * The Sids ecr-share writes (every configuration's, so a consumer kind that was configured once and then
     * removed is still recognised and taken out). Only Allow statements with one of these Sids are ecr-share's.
     */
    public static final List<String> MANAGED_SIDS = List.of("EcrSharePullAccounts", "EcrSharePullPrincipals",
            "EcrSharePullOrganizations", "EcrSharePullOrganizationPaths");
    public static final List<String> PULL_ACTIONS =
            List.of("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer");

    private final List<JsonNode> standard;

    public ManagedStatements(Consumers consumers) {
        this.standard = List.copyOf(build(consumers));
    }

    /** The statements every shared repository must carry, in a fixed order. */
    public List<JsonNode> standard() {
        return standard;
    }

    /**
     * True for a statement ecr-share wrote and may replace or remove: an Allow with one of {@link #MANAGED_SIDS}.
     * A Deny is never ours, whatever its Sid: removing or rewriting it could only widen access.
     */
    public static boolean isManaged(JsonNode statement) {
        JsonNode sid = statement.get("Sid");
        return sid != null && sid.isTextual() && MANAGED_SIDS.contains(sid.asText())
                && "Allow".equals(statement.path("Effect").asText());
    }

    /** A statement that is not ours but whose Sid starts with our prefix: kept as it is, and reported. */
    public static boolean looksManaged(JsonNode statement) {
        JsonNode sid = statement.get("Sid");
        return !isManaged(statement) && sid != null && sid.isTextual() && sid.asText().startsWith(SID_PREFIX);
    }

    private static List<JsonNode> build(Consumers consumers) {
        List<JsonNode> statements = new ArrayList<>();
        String partition = consumers.partition();
        if (!consumers.accountIds().isEmpty()) {
            ObjectNode s = pull("EcrSharePullAccounts", awsPrincipal(roots(partition, consumers.accountIds())));
            statements.add(s);
        }
        if (!consumers.principalArns().isEmpty()) {
            // Account roots plus an ArnLike condition: ECR rejects a policy naming a role that does not exist,
            // and a named role that is deleted later turns into an unmatchable AROA... ID.
            ObjectNode s = pull("EcrSharePullPrincipals", awsPrincipal(roots(partition, consumers.principalAccountIds())));
            condition(s, "ArnLike", "aws:PrincipalArn", consumers.principalArns());
            statements.add(s);
        }
        if (!consumers.orgIds().isEmpty()) {
            ObjectNode s = pull("EcrSharePullOrganizations", PolicyDocument.JSON.getNodeFactory().textNode("*"));
            condition(s, "StringEquals", "aws:PrincipalOrgID", consumers.orgIds());
            statements.add(s);
        }
        if (!consumers.orgPaths().isEmpty()) {
            // The org ID condition names the paths' organizations: scanners (Prowler, Checkov) call Principal "*"
            // public unless aws:PrincipalOrgID pins it, and it costs nothing since a path implies its organization.
            ObjectNode s = pull("EcrSharePullOrganizationPaths", PolicyDocument.JSON.getNodeFactory().textNode("*"));
            condition(s, "StringEquals", "aws:PrincipalOrgID", consumers.orgPathOrgIds());
            condition(s, "ForAnyValue:StringLike", "aws:PrincipalOrgPaths", consumers.orgPaths());
            statements.add(s);
        }
        return statements;
    }

    private static ObjectNode pull(String sid, JsonNode principal) {
        ObjectNode s = PolicyDocument.JSON.createObjectNode();
        s.put("Sid", sid);
        s.put("Effect", "Allow");
        s.set("Principal", principal);
        ArrayNode actions = s.putArray("Action");
        PULL_ACTIONS.forEach(actions::add);
        return s;
    }

    private static List<String> roots(String partition, List<String> accounts) {
        return accounts.stream().map(a -> "arn:" + partition + ":iam::" + a + ":root").toList();
    }

    private static JsonNode awsPrincipal(List<String> arns) {
        ObjectNode principal = PolicyDocument.JSON.createObjectNode();
        ArrayNode list = principal.putArray("AWS");
        arns.forEach(list::add);
        return principal;
    }

    private static void condition(ObjectNode statement, String operator, String key, List<String> values) {
        ObjectNode condition = statement.has("Condition") ? (ObjectNode) statement.get("Condition") : statement.putObject("Condition");
        ArrayNode list = condition.putObject(operator).putArray(key);
        values.forEach(list::add);
    }
}
