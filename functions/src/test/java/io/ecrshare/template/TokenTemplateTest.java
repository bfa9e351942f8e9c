package io.ecrshare.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.config.Consumers;
import io.ecrshare.config.ShareTag;
import io.ecrshare.policy.ManagedStatements;
import io.ecrshare.policy.PolicyMerger;
import io.ecrshare.share.Action;
import io.ecrshare.share.ShareDecider;
import io.ecrshare.share.Trigger;
import io.ecrshare.config.FunctionConfig;
import io.ecrshare.config.TokenCacheScope;
import io.ecrshare.testsupport.CloudFormationTemplate;
import io.ecrshare.testsupport.SamTranslator;
import io.ecrshare.testsupport.ProjectFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
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

    /**
     * One definition of "shared" (issue 9 item 1): over generated tag sets (case variants of key and value,
     * spaces, Unicode case lookalikes, keys differing only in case) the grant decision agrees with the minting
     * role's policy from template.yaml under every reading of IAM's case folding: shared means every reading
     * allows the pull, not shared means none does. The one thing no policy can pin down is which tag IAM reads
     * when several keys, or a key with a non-ASCII lookalike letter, could match the condition key; those sets
     * are ambiguous, never shared, and counted here (README says so).
     */
    @Test
    void theGrantDecisionAndTheMintingRoleMeanTheSameShared() {
        String[][] configurations = {{"ecr-share", "true"}, {"Team-Share", "Yes"}, {"share", "is ok"}};
        Random random = new Random(20261201L);
        int shared = 0;
        int unshared = 0;
        int ambiguousKeys = 0;
        int ambiguousValues = 0;
        for (String[] configured : configurations) {
            String key = configured[0];
            String value = configured[1];
            IamPolicyEvaluator policy = new IamPolicyEvaluator(mintingPolicy(key, value));
            ShareDecider decider = new ShareDecider(new ShareTag(key, value),
                    new PolicyMerger(new ManagedStatements(Consumers.parse("111111111111", null, null, null)), null));
            for (int i = 0; i < 4000; i++) {
                Map<String, String> tags = new LinkedHashMap<>();
                int count = 1 + random.nextInt(3);
                for (int t = 0; t < count; t++) {
                    tags.put(variant(random, key, true), variant(random, value, false));
                }
                ShareTag.Reading reading = new ShareTag(key, value).read(tags);
                Action grant = decider.decide("app", tags, Optional.empty(), Trigger.SWEEP).action();
                Map<String, List<String>> context = new LinkedHashMap<>();
                tags.forEach((k, v) -> context.put("aws:ResourceTag/" + k, List.of(v)));
                Set<Boolean> outcomes = new HashSet<>();
                for (IamPolicyEvaluator.Folding folding : IamPolicyEvaluator.Folding.values()) {
                    outcomes.addAll(policy.outcomes(null, "ecr:BatchGetImage", REPO + "app", context, folding));
                }
                String label = key + "=" + value + " tags " + tags + " -> " + reading;
                assertEquals(reading.shared() ? Action.GRANTED : Action.UNCHANGED, grant, label);
                switch (reading.verdict()) {
                    case SHARED -> {
                        assertEquals(Set.of(true), outcomes, "shared: every reading allows the pull: " + label);
                        shared++;
                    }
                    case UNSHARED -> {
                        assertEquals(Set.of(false), outcomes, "not shared: no reading allows the pull: " + label);
                        unshared++;
                    }
                    case AMBIGUOUS -> {
                        long keys = tags.keySet().stream()
                                .filter(k -> IamPolicyEvaluator.Folding.UNICODE.equal(k, key)).count();
                        boolean asciiKey = tags.keySet().stream().anyMatch(k -> IamPolicyEvaluator.Folding.ASCII.equal(k, key));
                        if (keys == 1 && asciiKey) {
                            assertEquals(Set.of(false), outcomes, "one key, lookalike value: the Deny wins: " + label);
                            ambiguousValues++;
                        } else {
                            ambiguousKeys++;
                        }
                    }
                }
            }
        }
        assertTrue(shared > 500 && unshared > 500 && ambiguousValues > 200 && ambiguousKeys > 200,
                "the generator exercises every verdict: " + shared + "/" + unshared + "/" + ambiguousValues + "/" + ambiguousKeys);
    }

    /** The configured text, or a case variant, a spaced one, a Unicode lookalike, or something else entirely. */
    private static String variant(Random random, String text, boolean key) {
        StringBuilder out = new StringBuilder();
        switch (random.nextInt(key ? 7 : 8)) {
            case 0 -> out.append(text);
            case 1, 2 -> text.chars().forEach(c -> out.append(random.nextBoolean()
                    ? Character.toUpperCase((char) c) : Character.toLowerCase((char) c)));
            case 3 -> out.append(random.nextBoolean() ? " " + text : text + " ");
            case 4 -> text.chars().forEach(c -> out.append(lookalike(random, (char) c)));
            case 5 -> out.append(key ? text + ":last-write" : "false");
            case 6 -> out.append(text.toUpperCase(Locale.ROOT)).append(key ? "" : "\u00e9");
            default -> out.append("");
        }
        return out.toString();
    }

    private static String lookalike(Random random, char c) {
        String[] options = switch (Character.toLowerCase(c)) {
            case 's' -> new String[]{"\u017f", "s", "S"};
            case 'k' -> new String[]{"\u212a", "k"};
            case 'i' -> new String[]{"\u0130", "\u0131", "i", "I"};
            case 'e' -> new String[]{"e", "\u00e9", "E"};
            default -> new String[]{String.valueOf(c)};
        };
        return options[random.nextInt(options.length)];
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

    /** On the translated template: SAM turns some function properties (VersionDescription) into other resources. */
    @Test
    @SuppressWarnings("unchecked")
    void resourcesReferToEachOtherWithoutACycle() throws Exception {
        Map<String, Object> resources = (Map<String, Object>) JSON.convertValue(
                SamTranslator.translate(Map.of("ConsumerAccountIds", "111111111111")).resources(), Map.class);
        Map<String, Set<String>> dependsOn = new LinkedHashMap<>();
        for (var entry : resources.entrySet()) {
            Set<String> refs = new HashSet<>();
            collectReferences(entry.getValue(), refs);
            refs.retainAll(resources.keySet());
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
    void theResourcePolicyAllowsExactlyTheConfiguredConsumersOnTheProdStageOnly() throws Exception {
        SamTranslator t = SamTranslator.translate(Map.of("ConsumerAccountIds", "111111111111,222222222222",
                "ConsumerPrincipalArns", "arn:aws:iam::333333333333:role/puller,arn:aws:iam::555555555555:role/ci/*",
                "ConsumerOrgIds", "o-a1b2c3d4e5"));
        JsonNode policy = t.resolve(t.resources().at("/TokenApi/Properties/Body/x-amazon-apigateway-policy"));
        assertEquals(3, policy.path("Statement").size(), "no statement for the empty ConsumerOrgPaths: " + policy);
        IamPolicyEvaluator evaluator = new IamPolicyEvaluator(policy);
        String prod = "execute-api:/prod/GET/token";
        record Call(String arn, String orgId, boolean allowed) {
        }
        List<Call> calls = List.of(
                new Call("arn:aws:sts::111111111111:assumed-role/any/session", null, true),
                new Call("arn:aws:iam::222222222222:user/deployer", null, true),
                new Call("arn:aws:sts::999999999999:assumed-role/any/session", null, false),
                new Call("arn:aws:iam::333333333333:role/puller", null, true),
                new Call("arn:aws:iam::333333333333:role/other", null, false),
                new Call("arn:aws:iam::555555555555:role/ci/builder", null, true),
                new Call("arn:aws:sts::666666666666:assumed-role/any/session", "o-a1b2c3d4e5", true),
                new Call("arn:aws:sts::666666666666:assumed-role/any/session", "o-zzzzzzzzzz", false));
        for (Call call : calls) {
            Map<String, List<String>> context = new LinkedHashMap<>();
            context.put("aws:PrincipalArn", List.of(call.arn()));
            if (call.orgId() != null) {
                context.put("aws:PrincipalOrgID", List.of(call.orgId()));
            }
            assertEquals(call.allowed(), evaluator.allows(call.arn(), "execute-api:Invoke", prod, context), call.toString());
            assertFalse(evaluator.allows(call.arn(), "execute-api:Invoke", "execute-api:/Stage/GET/token", context),
                    "no other stage: " + call);
        }
        for (JsonNode statement : policy.path("Statement")) {
            assertEquals(prod, statement.path("Resource").asText());
        }
        OrgPathSemanticsTest.assertEveryWildcardPrincipalIsPinnedToAnOrganization(policy.path("Statement"));
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
    @SuppressWarnings("unchecked")
    void theFunctionRunsWithSnapStartOnItsLiveAliasBehindGetToken() {
        Map<String, Object> function = template.properties("TokenFunction");
        assertEquals("io.ecrshare.tokenapi.TokenHandler::handleRequest", function.get("Handler"));
        Map<String, Object> globals = (Map<String, Object>) at(template.section("Globals"), "Function");
        assertEquals("live", globals.get("AutoPublishAlias"), "every function, the token's included");
        assertEquals("PublishedVersions", at(globals, "SnapStart", "ApplyOn"));
        assertFalse(function.containsKey("AutoPublishAlias") || function.containsKey("SnapStart"), "not overridden");
        assertEquals(Map.of("Fn::GetAtt", List.of("TokenMintingRole", "Arn")), at(function, "Environment", "Variables", "TOKEN_ROLE_ARN"));
        assertEquals(Map.of("Ref", "TokenCacheScope"), at(function, "Environment", "Variables", "TOKEN_CACHE_SCOPE"));
        Object uri = at(template.properties("TokenApi"), "DefinitionBody", "paths", "/token", "get", "x-amazon-apigateway-integration", "uri");
        assertTrue(String.valueOf(uri).contains("${TokenFunction.Alias}"), "GET /token invokes the live alias: " + uri);
    }

    /** Issue 9 item 6(a): SAM's extra stage named "Stage" is gone; the permission and the policy name prod. */
    @Test
    void samTranslatesTheTemplateToOneProdStageThatThePermissionAndPolicyName() throws Exception {
        SamTranslator t = SamTranslator.translate(Map.of("ConsumerAccountIds", "111111111111,222222222222",
                "ConsumerPrincipalArns", "arn:aws:iam::333333333333:role/puller"));
        JsonNode resources = t.resources();
        JsonNode body = resources.path("TokenApi").path("Properties").path("Body");
        JsonNode integration = body.path("paths").path("/token").path("get").path("x-amazon-apigateway-integration");
        assertEquals("aws_proxy", integration.path("type").asText());
        assertTrue(integration.path("credentials").isMissingNode(), "InvokeRole NONE: no caller credentials, got " + integration);
        assertTrue(integration.path("uri").toString().contains("TokenFunctionAliaslive"), "API calls the SnapStart alias");
        assertEquals(List.of(Map.of("AWS_IAM", List.of())),
                JSON.convertValue(body.path("paths").path("/token").path("get").path("security"), List.class), "IAM auth");
        assertEquals(2, t.resolve(body.path("x-amazon-apigateway-policy")).path("Statement").size(), "two of four kinds configured");
        assertEquals("PublishedVersions", resources.path("TokenFunction").path("Properties").path("SnapStart").path("ApplyOn").asText());

        List<String> stages = new ArrayList<>();
        List<JsonNode> permissions = new ArrayList<>();
        resources.fields().forEachRemaining(r -> {
            String type = r.getValue().path("Type").asText();
            if (type.equals("AWS::ApiGateway::Stage")) {
                stages.add(t.resolve(r.getValue().at("/Properties/StageName")).asText());
            }
            if (type.equals("AWS::ApiGateway::Deployment")) {
                assertTrue(r.getValue().at("/Properties/StageName").isMissingNode(),
                        "a deployment with StageName creates another stage: " + r.getValue());
            }
            if (type.equals("AWS::Lambda::Permission") && r.getValue().at("/Properties/Principal").asText().startsWith("apigateway")) {
                permissions.add(t.resolve(r.getValue().path("Properties")));
            }
        });
        assertEquals(List.of("prod"), stages);
        assertEquals(1, permissions.size(), "one invoke permission: " + permissions);
        assertEquals("arn:aws:execute-api:us-east-1:" + ACCOUNT + ":" + SamTranslator.API_ID + "/prod/GET/token",
                permissions.get(0).path("SourceArn").asText());
        assertEquals("TokenFunctionAliaslive", permissions.get(0).path("FunctionName").asText());
        assertTrue(resources.path("TokenApiprodStage").path("Properties").has("MethodSettings"));
        assertEquals("prod", resources.path("TokenApiprodStage").path("Properties").path("StageName").asText());
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

}
