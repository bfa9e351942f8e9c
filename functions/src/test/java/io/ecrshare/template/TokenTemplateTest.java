package io.ecrshare.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.config.FunctionConfig;
import io.ecrshare.config.TokenCacheScope;
import io.ecrshare.testsupport.CloudFormationTemplate;
import io.ecrshare.testsupport.ProjectFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ecrshare.testsupport.CloudFormationTemplate.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token endpoint's part of template.yaml: who may call, how the function is invoked, what tokens can do. */
class TokenTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "123456789012";
    private static final String REPO = "arn:aws:ecr:us-east-1:" + ACCOUNT + ":repository/";
    private static final List<String> PULL = List.of("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability");

    private final CloudFormationTemplate template = CloudFormationTemplate.load();

    // ---- what a token can do ------------------------------------------------------------------------------

    @Test
    void tokensPullOnlyRepositoriesOfThisAccountThatCarryTheSharingTag() {
        IamPolicyEvaluator policy = new IamPolicyEvaluator(mintingPolicy("ecr-share", "true"));

        for (String action : PULL) {
            assertTrue(policy.allows(action, REPO + "app", Map.of("aws:ResourceTag/ecr-share", "true")), action + " tagged");
            assertTrue(policy.allows(action, REPO + "team/app", Map.of("aws:ResourceTag/ecr-share", "TRUE")),
                    action + ": the value is compared case-insensitively, as the grant function does");
            assertFalse(policy.allows(action, REPO + "secret", Map.of()), action + " on an untagged repository");
            assertFalse(policy.allows(action, REPO + "secret", Map.of("aws:ResourceTag/ecr-share", "false")), action + " other value");
            assertFalse(policy.allows(action, REPO + "secret", Map.of("aws:ResourceTag/other", "true")), action + " other key");
            assertFalse(policy.allows(action, "arn:aws:ecr:us-east-1:210987654321:repository/app",
                    Map.of("aws:ResourceTag/ecr-share", "true")), action + " in another account");
            assertFalse(policy.allows(action, "arn:aws:ecr:eu-west-1:" + ACCOUNT + ":repository/app",
                    Map.of("aws:ResourceTag/ecr-share", "true")), action + " in another region");
        }
        assertTrue(policy.allows("ecr:GetAuthorizationToken", "*", Map.of()));
        for (String write : List.of("ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:SetRepositoryPolicy", "ecr:DeleteRepository",
                "ecr:TagResource", "ecr:DescribeRepositories")) {
            assertFalse(policy.allows(write, REPO + "app", Map.of("aws:ResourceTag/ecr-share", "true")), write);
        }
    }

    @Test
    void theTagConditionFollowsTheShareTagParameters() {
        IamPolicyEvaluator policy = new IamPolicyEvaluator(mintingPolicy("team-share", "yes"));

        assertTrue(policy.allows("ecr:BatchGetImage", REPO + "app", Map.of("aws:ResourceTag/team-share", "yes")));
        assertFalse(policy.allows("ecr:BatchGetImage", REPO + "app", Map.of("aws:ResourceTag/ecr-share", "true")));
    }

    @Test
    void onlyTheTokenFunctionsRoleMayAssumeTheMintingRoleForAtMostAnHour() {
        Map<String, Object> role = template.properties("TokenMintingRole");
        assertEquals(3600, role.get("MaxSessionDuration"));
        List<?> trust = (List<?>) at(role, "AssumeRolePolicyDocument", "Statement");
        assertEquals(1, trust.size());
        assertEquals(Map.of("AWS", Map.of("Fn::GetAtt", List.of("TokenFunctionRole", "Arn"))), at(trust.get(0), "Principal"));
        assertEquals("sts:AssumeRole", at(trust.get(0), "Action"));
        assertEquals(1, ((List<?>) role.get("Policies")).size(), "the minting role has only the pull policy");

        Map<String, Object> grant = template.properties("TokenFunctionAssumesMintingRole");
        assertEquals(List.of(Map.of("Ref", "TokenFunctionRole")), grant.get("Roles"));
        List<?> statements = (List<?>) at(grant, "PolicyDocument", "Statement");
        assertEquals(1, statements.size());
        assertEquals("sts:AssumeRole", at(statements.get(0), "Action"));
        assertEquals(Map.of("Fn::GetAtt", List.of("TokenMintingRole", "Arn")), at(statements.get(0), "Resource"));
        assertEquals(Map.of("Fn::GetAtt", List.of("TokenFunctionRole", "Arn")), template.properties("TokenFunction").get("Role"));
    }

    @Test
    void resourcesReferToEachOtherWithoutACycle() {
        Map<String, Set<String>> dependsOn = new LinkedHashMap<>();
        for (var entry : template.resources().entrySet()) {
            Set<String> refs = new HashSet<>();
            collectReferences(entry.getValue(), refs);
            refs.retainAll(template.resources().keySet());
            dependsOn.put(entry.getKey(), refs);
        }
        for (String start : dependsOn.keySet()) {
            Deque<String> todo = new ArrayDeque<>(dependsOn.get(start));
            Set<String> seen = new HashSet<>();
            while (!todo.isEmpty()) {
                String next = todo.pop();
                assertFalse(next.equals(start), start + " depends on itself through " + seen);
                if (seen.add(next)) {
                    todo.addAll(dependsOn.get(next));
                }
            }
        }
    }

    // ---- how the API is called -------------------------------------------------------------------------------

    @Test
    void theApiIsIamAuthorizedAndInvokesTheFunctionThroughItsResourcePermission() {
        Map<String, Object> api = template.properties("TokenApi");
        assertEquals("AWS::Serverless::Api", template.resources().get("TokenApi").get("Type"), "a REST API: resource policies");
        assertEquals("AWS_IAM", at(api, "Auth", "DefaultAuthorizer"));
        assertEquals("NONE", at(api, "Auth", "InvokeRole"), "not the caller's credentials");
        Map<?, ?> settings = (Map<?, ?>) ((List<?>) api.get("MethodSettings")).get(0);
        assertEquals(Map.of("Ref", "TokenRateLimit"), settings.get("ThrottlingRateLimit"));
        assertEquals(Map.of("Ref", "TokenBurstLimit"), settings.get("ThrottlingBurstLimit"));
        assertEquals("/*", settings.get("ResourcePath"));
        assertNotNull(at(api, "AccessLogSetting", "Fn::If"));
    }

    @Test
    void theResourcePolicyAllowsExactlyTheConfiguredConsumers() {
        List<?> statements = (List<?>) at(template.properties("TokenApi"), "Auth", "ResourcePolicy", "CustomStatements");
        Map<String, List<Object>> expected = Map.of(
                "HasConsumerAccountIds", List.of("StringEquals", "aws:PrincipalAccount", "ConsumerAccountIds"),
                "HasConsumerPrincipalArns", List.of("ArnLike", "aws:PrincipalArn", "ConsumerPrincipalArns"),
                "HasConsumerOrgIds", List.of("StringEquals", "aws:PrincipalOrgID", "ConsumerOrgIds"),
                "HasConsumerOrgPaths", List.of("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", "ConsumerOrgPaths"));
        assertEquals(4, statements.size());
        Set<String> seen = new HashSet<>();
        for (Object conditional : statements) {
            List<?> branches = (List<?>) at(conditional, "Fn::If");
            String condition = (String) branches.get(0);
            List<Object> want = expected.get(condition);
            assertNotNull(want, "unexpected condition " + condition);
            seen.add(condition);
            assertEquals(Map.of("Ref", "AWS::NoValue"), branches.get(2), "nothing when the parameter is empty");
            Object statement = branches.get(1);
            assertEquals("Allow", at(statement, "Effect"));
            assertEquals("execute-api:Invoke", at(statement, "Action"));
            assertEquals("execute-api:/*/GET/token", at(statement, "Resource"));
            assertEquals(Map.of("AWS", "*"), at(statement, "Principal"));
            assertEquals(Map.of("Fn::Split", List.of(",", Map.of("Ref", want.get(2)))),
                    at(statement, "Condition", (String) want.get(0), (String) want.get(1)));
            Map<?, ?> conditionsDefinition = template.section("Conditions");
            assertEquals(Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(Map.of("Ref", want.get(2)), "")))),
                    conditionsDefinition.get(condition));
        }
        assertEquals(expected.keySet(), seen);
    }

    @Test
    void theReadmesTokenParameterDefaultsAreTheTemplates() throws IOException {
        String readme = java.nio.file.Files.readString(ProjectFiles.root().resolve("README.md"));
        Map<?, ?> parameters = template.section("Parameters");
        for (String name : List.of("TokenRateLimit", "TokenBurstLimit", "TokenCacheScope")) {
            Object expected = ((Map<?, ?>) parameters.get(name)).get("Default");
            assertTrue(readme.contains("| `" + name + "` | `" + expected + "` |"), name + " default " + expected);
        }
    }

    @Test
    void everyCacheScopeTheTemplateAllowsIsOneTheFunctionAcceptsAndSessionIsTheDefault() {
        Map<?, ?> parameter = (Map<?, ?>) template.section("Parameters").get("TokenCacheScope");
        assertEquals("Session", parameter.get("Default"));
        assertEquals(List.of(TokenCacheScope.SESSION, TokenCacheScope.ROLE),
                ((List<?>) parameter.get("AllowedValues")).stream()
                        .map(value -> FunctionConfig.fromEnvironment(Map.of("CONSUMER_ACCOUNT_IDS", "111111111111",
                                FunctionConfig.TOKEN_CACHE_SCOPE, String.valueOf(value))).tokenCacheScope()).toList());
    }

    @Test
    void theFunctionRunsWithSnapStartOnItsLiveAliasBehindGetToken() {
        Map<String, Object> function = template.properties("TokenFunction");
        assertEquals("io.ecrshare.tokenapi.TokenHandler::handleRequest", function.get("Handler"));
        assertEquals("live", function.get("AutoPublishAlias"));
        assertEquals("PublishedVersions", at(function, "SnapStart", "ApplyOn"));
        assertEquals(Map.of("Fn::GetAtt", List.of("TokenMintingRole", "Arn")), at(function, "Environment", "Variables", "TOKEN_ROLE_ARN"));
        assertEquals(Map.of("Ref", "TokenCacheScope"), at(function, "Environment", "Variables", "TOKEN_CACHE_SCOPE"));
        assertEquals("Api", at(function, "Events", "GetToken", "Type"));
        assertEquals(Map.of("RestApiId", Map.of("Ref", "TokenApi"), "Path", "/token", "Method", "GET"),
                at(function, "Events", "GetToken", "Properties"));
    }

    @Test
    void samTranslatesTheTemplateWithoutCallerCredentialsAndWithTheResourcePolicy() throws Exception {
        JsonNode transformed = samTranslate(Map.of("ConsumerAccountIds", "111111111111,222222222222",
                "ConsumerPrincipalArns", "arn:aws:iam::333333333333:role/puller"));
        JsonNode resources = transformed.path("Resources");
        JsonNode body = resources.path("TokenApi").path("Properties").path("Body");
        JsonNode integration = body.path("paths").path("/token").path("get").path("x-amazon-apigateway-integration");
        assertEquals("aws_proxy", integration.path("type").asText());
        assertTrue(integration.path("credentials").isMissingNode(), "InvokeRole NONE: no caller credentials, got " + integration);
        assertTrue(integration.path("uri").toString().contains("TokenFunctionAliaslive"), "API calls the SnapStart alias");
        assertEquals(4, body.path("x-amazon-apigateway-policy").path("Statement").size());
        assertEquals("PublishedVersions", resources.path("TokenFunction").path("Properties").path("SnapStart").path("ApplyOn").asText());
        assertEquals("AWS::Lambda::Permission", resources.path("TokenFunctionGetTokenPermissionprod").path("Type").asText());
        assertTrue(resources.path("TokenApiprodStage").path("Properties").has("MethodSettings"));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** The minting role's policy with the pseudo parameters and share tag parameters substituted. */
    private JsonNode mintingPolicy(String tagKey, String tagValue) {
        Map<?, ?> policy = (Map<?, ?>) ((List<?>) template.properties("TokenMintingRole").get("Policies")).get(0);
        Object document = at(policy, "PolicyDocument", "Fn::Sub");
        assertTrue(document instanceof String, "the policy is a substituted JSON document: " + policy);
        Map<String, String> values = Map.of("AWS::Partition", "aws", "AWS::Region", "us-east-1", "AWS::AccountId", ACCOUNT,
                "ShareTagKey", tagKey, "ShareTagValue", tagValue);
        Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher((String) document);
        StringBuilder substituted = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            assertNotNull(value, "unexpected substitution ${" + m.group(1) + "}");
            m.appendReplacement(substituted, Matcher.quoteReplacement(value));
        }
        m.appendTail(substituted);
        try {
            return JSON.readTree(substituted.toString());
        } catch (IOException e) {
            throw new AssertionError("the minting policy is not valid JSON after substitution", e);
        }
    }

    private static void collectReferences(Object node, Set<String> refs) {
        if (node instanceof Map<?, ?> map) {
            for (var entry : map.entrySet()) {
                Object key = entry.getKey();
                Object value = entry.getValue();
                if ("Ref".equals(key) && value instanceof String s) {
                    refs.add(s);
                } else if ("Fn::GetAtt".equals(key) && value instanceof List<?> list) {
                    refs.add((String) list.get(0));
                } else if ("DependsOn".equals(key)) {
                    if (value instanceof String s) {
                        refs.add(s);
                    } else if (value instanceof List<?> list) {
                        list.forEach(v -> refs.add((String) v));
                    }
                } else if ("Fn::Sub".equals(key)) {
                    String text = value instanceof String s ? s : (String) ((List<?>) value).get(0);
                    Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9]+)(\\.[A-Za-z.]+)?}").matcher(text);
                    while (m.find()) {
                        refs.add(m.group(1));
                    }
                    if (value instanceof List<?> list) {
                        collectReferences(list.get(1), refs);
                    }
                    continue;
                }
                collectReferences(value, refs);
            }
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collectReferences(item, refs));
        }
    }

    /** Runs aws-sam-translator (installed with moto and cfn-lint; missing it fails, never skips). */
    private static JsonNode samTranslate(Map<String, String> parameters) throws Exception {
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
        builder.environment().put("AWS_DEFAULT_REGION", "us-east-1");
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), "samtranslator failed (is aws-sam-translator installed?): " + err);
        return JSON.readTree(out);
    }
}
