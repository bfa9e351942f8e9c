package io.ecrshare.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrshare.config.Consumers;
import io.ecrshare.policy.ManagedStatements;
import io.ecrshare.testsupport.CloudFormationTemplate;
import io.ecrshare.testsupport.ProjectFiles;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.ecrshare.testsupport.CloudFormationTemplate.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * consumer/template.yaml against the owner side: a cross-account request succeeds only when the caller's
 * identity policy (this template) AND the owner's resource policy (ecr-share's managed statements, the token
 * API's resource policy) allow it. A role the template grants can pull and get a token; one it does not grant,
 * or a granted role of an account the owner does not share with, cannot.
 */
class ConsumerTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OWNER = "123456789012";
    private static final String CONSUMER = "111111111111";
    private static final String STRANGER = "999999999999";
    private static final String REPOSITORY = "arn:aws:ecr:eu-west-1:" + OWNER + ":repository/platform/base-image";
    private static final String TOKEN = "arn:aws:execute-api:eu-west-1:" + OWNER + ":abc123defg/prod/GET/token";

    private final CloudFormationTemplate consumer = CloudFormationTemplate.load(ProjectFiles.root().resolve("consumer/template.yaml"));
    private final CloudFormationTemplate owner = CloudFormationTemplate.load();

    /** The consumer policy as CloudFormation would create it in account {@code account}. */
    private IamPolicyEvaluator consumerPolicy(String account, String tagKey) throws Exception {
        Map<String, Object> values = new HashMap<>(Map.of("AWS::Partition", "aws", "AWS::AccountId", account,
                "OwnerAccountId", OWNER, "TokenApiId", "*", "TokenRegions", "*", "PrincipalTagKey", tagKey,
                "PrincipalTagValue", "true"));
        Object document = CloudFormationTemplate.resolve(at(consumer.properties("PullSharedImagesPolicy"), "PolicyDocument"),
                values, c -> (c.equals("HasPrincipalTag") && !tagKey.isEmpty()) || c.equals("HasRoleNames"));
        JsonNode policy = document instanceof String text ? JSON.readTree(text) : JSON.valueToTree(document);
        return new IamPolicyEvaluator(policy);
    }

    /** Statements of a resource policy that name the caller's account (its root) or everyone, as identity policy. */
    private static IamPolicyEvaluator resourcePolicy(List<JsonNode> statements, String callerAccount, String resource) {
        ObjectNode policy = JSON.createObjectNode();
        ArrayNode applicable = policy.putArray("Statement");
        for (JsonNode statement : statements) {
            JsonNode principal = statement.path("Principal");
            JsonNode aws = principal.isTextual() ? principal : principal.path("AWS");
            boolean names = false;
            for (JsonNode p : aws.isArray() ? aws : JSON.createArrayNode().add(aws)) {
                // An account is named by its root ARN or by its bare ID (both mean the account, IAM User Guide).
                names |= p.asText().equals("*") || p.asText().equals("arn:aws:iam::" + callerAccount + ":root")
                        || p.asText().equals(callerAccount);
            }
            if (names) {
                ObjectNode copy = statement.deepCopy();
                copy.remove("Principal");   // matched above; the rest is evaluated like an identity policy
                if (!copy.has("Resource")) {
                    copy.put("Resource", resource);   // a repository policy applies to its repository
                }
                applicable.add(copy);
            }
        }
        return new IamPolicyEvaluator(policy);
    }

    /** The token API's resource policy from template.yaml with SAM's expansion of execute-api:/ resources. */
    private List<JsonNode> tokenApiResourcePolicy() {
        Object statements = CloudFormationTemplate.resolve(at(owner.properties("TokenApi"), "Auth", "ResourcePolicy", "CustomStatements"),
                Map.of("ConsumerAccountIds", CONSUMER), "HasConsumerAccountIds"::equals);
        List<JsonNode> out = new java.util.ArrayList<>();
        JSON.valueToTree(statements).forEach(s -> {
            ObjectNode copy = s.deepCopy();
            copy.put("Resource", s.get("Resource").asText().replace("execute-api:/", "arn:aws:execute-api:eu-west-1:" + OWNER + ":abc123defg/"));
            out.add(copy);
        });
        return out;
    }

    private static boolean crossAccount(IamPolicyEvaluator identity, IamPolicyEvaluator resource, String action, String arn,
                                        Map<String, String> context) {
        return identity.allows(action, arn, context) && resource.allows(action, arn, context);
    }

    private static Map<String, String> caller(String account, String role, String... tags) {
        Map<String, String> context = new HashMap<>(Map.of("aws:PrincipalAccount", account,
                "aws:PrincipalArn", "arn:aws:iam::" + account + ":role/" + role));
        for (int i = 0; i < tags.length; i += 2) {
            context.put("aws:PrincipalTag/" + tags[i], tags[i + 1]);
        }
        return context;
    }

    @Test
    void aNamedRoleCanPullAndGetATokenAndOnlyFromAnOwnerThatSharesWithItsAccount() throws Exception {
        List<JsonNode> managed = new ManagedStatements(new Consumers(List.of(CONSUMER), List.of(), List.of(), List.of())).standard();
        IamPolicyEvaluator granted = consumerPolicy(CONSUMER, "");
        assertEquals(Map.of("Fn::If", List.of("HasRoleNames", Map.of("Ref", "RoleNames"), Map.of("Ref", "AWS::NoValue"))),
                consumer.properties("PullSharedImagesPolicy").get("Roles"), "attached to exactly the named roles");

        Map<String, String> ci = caller(CONSUMER, "ci");
        for (String action : ManagedStatements.PULL_ACTIONS) {
            assertTrue(crossAccount(granted, resourcePolicy(managed, CONSUMER, REPOSITORY), action, REPOSITORY, ci), action);
        }
        assertTrue(granted.allows("ecr:GetAuthorizationToken", "*", ci));
        assertTrue(crossAccount(granted, resourcePolicy(tokenApiResourcePolicy(), CONSUMER, TOKEN), "execute-api:Invoke", TOKEN, ci));

        // A role without the policy: no identity grant, whatever the owner allows.
        IamPolicyEvaluator none = new IamPolicyEvaluator(JSON.readTree("{\"Statement\":[]}"));
        assertFalse(crossAccount(none, resourcePolicy(managed, CONSUMER, REPOSITORY), "ecr:BatchGetImage", REPOSITORY, caller(CONSUMER, "other")));
        // The same template in an account the owner does not share with: the owner's side refuses.
        Map<String, String> stranger = caller(STRANGER, "ci");
        assertFalse(crossAccount(consumerPolicy(STRANGER, ""), resourcePolicy(managed, STRANGER, REPOSITORY),
                "ecr:BatchGetImage", REPOSITORY, stranger));
        assertFalse(crossAccount(consumerPolicy(STRANGER, ""), resourcePolicy(tokenApiResourcePolicy(), STRANGER, TOKEN),
                "execute-api:Invoke", TOKEN, stranger));
        // Nothing beyond pulling: no push, no policy change, nothing in another owner's registry.
        for (String action : List.of("ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:SetRepositoryPolicy")) {
            assertFalse(granted.allows(action, REPOSITORY, ci), action);
        }
        assertFalse(granted.allows("ecr:BatchGetImage", "arn:aws:ecr:eu-west-1:222222222222:repository/x", ci));
    }

    @Test
    void withAPrincipalTagOnlyTaggedRolesBenefitWhereverThePolicyIsAttached() throws Exception {
        List<JsonNode> managed = new ManagedStatements(new Consumers(List.of(CONSUMER), List.of(), List.of(), List.of())).standard();
        IamPolicyEvaluator tagged = consumerPolicy(CONSUMER, "ecr-share-consumer");
        IamPolicyEvaluator owner = resourcePolicy(managed, CONSUMER, REPOSITORY);

        assertTrue(crossAccount(tagged, owner, "ecr:BatchGetImage", REPOSITORY, caller(CONSUMER, "build", "ecr-share-consumer", "true")));
        assertTrue(tagged.allows("ecr:GetAuthorizationToken", "*", caller(CONSUMER, "build", "ecr-share-consumer", "true")));
        assertFalse(crossAccount(tagged, owner, "ecr:BatchGetImage", REPOSITORY, caller(CONSUMER, "build")), "untagged role");
        assertFalse(crossAccount(tagged, owner, "ecr:BatchGetImage", REPOSITORY, caller(CONSUMER, "build", "ecr-share-consumer", "false")));
        assertFalse(tagged.allows("execute-api:Invoke", TOKEN, caller(CONSUMER, "build", "team", "true")), "another tag");
        assertEquals(Set.of("PullSharedImagesPolicyArn"), consumer.section("Outputs").keySet());
    }
}
