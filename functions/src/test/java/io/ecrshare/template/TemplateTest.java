package io.ecrshare.template;

import io.ecrshare.share.WriteMarker;
import io.ecrshare.testsupport.CloudFormationTemplate;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.ecrshare.testsupport.CloudFormationTemplate.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** template.yaml agrees with the code: handlers exist, permissions are least privilege, logs are kept. */
@SuppressWarnings("unchecked")
class TemplateTest {

    private final CloudFormationTemplate template = CloudFormationTemplate.load();

    @Test
    void everyHandlerNamesAClassAndMethodThatExist() throws Exception {
        List<String> functions = template.ofType("AWS::Serverless::Function");
        assertFalse(functions.isEmpty());
        for (String function : functions) {
            String handler = (String) template.properties(function).get("Handler");
            assertNotNull(handler, function + " has no Handler");
            String[] parts = handler.split("::");
            assertEquals(2, parts.length, function + ": Handler must be Class::method, got " + handler);
            Class<?> type = Class.forName(parts[0]);
            assertTrue(Modifier.isPublic(type.getModifiers()), handler);
            assertNotNull(type.getConstructor(), handler + " needs a public no-argument constructor for the runtime");
            List<Method> methods = Arrays.stream(type.getMethods()).filter(m -> m.getName().equals(parts[1])).toList();
            assertFalse(methods.isEmpty(), function + ": no public method " + parts[1] + " on " + parts[0]);
            assertTrue(methods.stream().anyMatch(m -> m.getParameterCount() == 3
                    && m.getParameterTypes()[0] == InputStream.class && m.getParameterTypes()[1] == OutputStream.class
                    || m.getParameterCount() == 2), function + ": " + handler + " does not have a handler signature");
        }
    }

    @Test
    void functionsRunJava21WithJsonLogsFromTheSingleCodeUri() {
        Map<String, Object> globals = (Map<String, Object>) template.section("Globals").get("Function");
        assertEquals("java21", globals.get("Runtime"));
        assertEquals("functions", globals.get("CodeUri"));
        assertEquals("JSON", at(globals, "LoggingConfig", "LogFormat"));
        for (String function : template.ofType("AWS::Serverless::Function")) {
            Map<String, Object> props = template.properties(function);
            assertFalse(props.containsKey("CodeUri") && !"functions".equals(props.get("CodeUri")), function);
            Object logGroup = at(props, "LoggingConfig", "LogGroup");
            assertNotNull(logGroup, function + " must log to a log group of this stack (with retention)");
            String logGroupId = (String) ((Map<?, ?>) logGroup).get("Ref");
            assertEquals(Map.of("Ref", "LogRetentionInDays"), template.properties(logGroupId).get("RetentionInDays"));
        }
    }

    private static final List<String> POLICY_ACTIONS = List.of("ecr:ListTagsForResource", "ecr:GetRepositoryPolicy",
            "ecr:SetRepositoryPolicy", "ecr:DeleteRepositoryPolicy");
    private static final Map<String, String> REPOSITORIES =
            Map.of("Fn::Sub", "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*");

    @Test
    void policyFunctionsHaveOnlyTheEcrPolicyActionsOnThisAccountsRepositories() {
        Map<String, List<String>> expected = Map.of(
                "GrantFunction", POLICY_ACTIONS,
                "EnforceFunction", POLICY_ACTIONS,
                "ReconcileFunction", concat(List.of("ecr:DescribeRepositories"), POLICY_ACTIONS));
        expected.forEach((function, actions) -> {
            List<Object> statements = statements(function);
            Map<?, ?> statement = (Map<?, ?>) statements.get(0);
            assertEquals(actions, statement.get("Action"), function);
            assertEquals(REPOSITORIES, statement.get("Resource"), function);
            assertEquals(3, statements.size(), function + " has no other statement than the write marker's and its log group's");
            assertEquals(Map.of("Fn::GetAtt", List.of(function.replace("Function", "LogGroup"), "Arn")),
                    ((Map<?, ?>) statements.get(2)).get("Resource"), function + " logs to its own log group only");
            Map<?, ?> marker = (Map<?, ?>) statements.get(1);
            assertEquals("ecr:TagResource", marker.get("Action"), function);
            assertEquals(REPOSITORIES, marker.get("Resource"), function);
            assertEquals(Map.of("ForAllValues:StringEquals", Map.of("aws:TagKeys", List.of(WriteMarker.TAG_KEY)),
                    "Null", Map.of("aws:TagKeys", "false")), marker.get("Condition"), function + ": the marker tag only");
        });
    }

    @Test
    void enforcerMayPublishOnlyToTheConfiguredTopicAndOnlyWhenOneIsSet() {
        List<Object> policies = (List<Object>) template.properties("EnforceFunctionRole").get("Policies");
        Map<?, ?> conditional = (Map<?, ?>) policies.get(1);
        List<?> ifArgs = (List<?>) conditional.get("Fn::If");
        assertEquals("HasNotificationTopic", ifArgs.get(0));
        Map<?, ?> statement = (Map<?, ?>) ((List<?>) at(ifArgs.get(1), "PolicyDocument", "Statement")).get(0);
        assertEquals("sns:Publish", statement.get("Action"));
        assertEquals(Map.of("Ref", "NotificationTopicArn"), statement.get("Resource"));
    }

    @Test
    void eventRulesHaveRetriesAndDeadLetterQueuesAndFailedInvocationsGoToAQueue() {
        for (String[] rule : new String[][]{{"GrantFunction", "RepositoryCreatedOrTagged"},
                {"EnforceFunction", "RepositoryPolicyChanged"}}) {
            Map<String, Object> props = template.properties(rule[0]);
            Map<?, ?> event = (Map<?, ?>) at(props, "Events", rule[1], "Properties");
            assertEquals("EventBridgeRule", at(props, "Events", rule[1], "Type"));
            assertNotNull(at(event, "RetryPolicy", "MaximumRetryAttempts"), rule[0]);
            assertEquals("SQS", at(event, "DeadLetterConfig", "Type"), rule[0]);
            assertEquals(List.of(Map.of("exists", false)), at(event, "Pattern", "detail", "errorCode"), rule[0]);
        }
        for (String function : List.of("GrantFunction", "EnforceFunction", "ReconcileFunction")) {
            assertEquals("SQS", at(template.properties(function), "EventInvokeConfig", "DestinationConfig", "OnFailure", "Type"));
        }
    }

    @Test
    void reconcileRunsOnTheScheduleAndAfterEveryConfigurationChange() {
        assertEquals(Map.of("Ref", "ReconcileSchedule"),
                at(template.properties("ReconcileFunction"), "Events", "Schedule", "Properties", "Schedule"));
        Map<String, Object> convergence = template.properties("ConfigurationConvergence");
        assertEquals(Map.of("Ref", "ReconcileFunction.Alias"), convergence.get("ServiceToken"),
                "the alias: the new version, with the new configuration, converges");
        for (String parameter : List.of("ShareTagKey", "ShareTagValue", "ConsumerAccountIds", "ConsumerPrincipalArns",
                "ConsumerOrgIds", "ConsumerOrgPaths", "EnforcementMode")) {
            assertEquals(Map.of("Ref", parameter), convergence.get(parameter), "a change of " + parameter + " must reconcile");
        }
    }

    @Test
    void alarmsWatchEveryPolicyFunctionAndEveryQueue() {
        String alarms = template.ofType("AWS::CloudWatch::Alarm").stream()
                .map(id -> template.properties(id).toString()).reduce("", String::concat);
        for (String watched : List.of("GrantFunction", "EnforceFunction", "ReconcileFunction",
                "GrantDeliveryDeadLetterQueue", "GrantFailureQueue", "EnforceDeliveryDeadLetterQueue",
                "EnforceFailureQueue", "ReconcileFailureQueue")) {
            assertTrue(alarms.contains(watched), "no alarm watches " + watched);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The unconditional policy statements of the function's own role. */
    @SuppressWarnings("unchecked")
    private List<Object> statements(String function) {
        assertEquals(Map.of("Fn::GetAtt", List.of(function + "Role", "Arn")), template.properties(function).get("Role"), function);
        assertEquals(null, template.properties(function).get("Policies"), function + ": permissions live in its role");
        List<Object> all = new ArrayList<>();
        for (Object policy : (List<Object>) template.properties(function + "Role").get("Policies")) {
            Object statement = at(policy, "PolicyDocument", "Statement");
            if (statement != null) {
                all.addAll((List<Object>) statement);
            }
        }
        return all;
    }

    /**
     * Issue 9 item 7: no role of the translated stack carries AWSLambdaBasicExecutionRole (logs on Resource "*"),
     * and every log permission names one of the stack's own log groups.
     */
    @Test
    void logPermissionsAreScopedToTheStacksOwnLogGroups() throws Exception {
        io.ecrshare.testsupport.SamTranslator translated = io.ecrshare.testsupport.SamTranslator.translate(
                Map.of("ConsumerAccountIds", "111111111111", "NotificationTopicArn", "arn:aws:sns:us-east-1:123456789012:alerts"));
        com.fasterxml.jackson.databind.JsonNode resources = translated.resources();
        List<String> logGroups = new ArrayList<>();
        resources.fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::Logs::LogGroup")) {
                logGroups.add(r.getKey());
            }
        });
        int logStatements = 0;
        for (var it = resources.fields(); it.hasNext(); ) {
            var resource = it.next();
            if (!resource.getValue().path("Type").asText().equals("AWS::IAM::Role")) {
                continue;
            }
            String managed = resource.getValue().at("/Properties/ManagedPolicyArns").toString();
            assertFalse(managed.contains("AWSLambdaBasicExecutionRole"), resource.getKey() + ": " + managed);
            for (var policy : translated.resolve(resource.getValue().at("/Properties/Policies"))) {
                for (var statement : policy.at("/PolicyDocument/Statement")) {
                    if (!statement.path("Action").toString().contains("logs:")) {
                        continue;
                    }
                    logStatements++;
                    String target = statement.path("Resource").asText();
                    assertTrue(logGroups.contains(target), resource.getKey() + " logs to " + target + ", not one of " + logGroups);
                }
            }
        }
        assertEquals(4, logStatements, "grant, enforce, reconcile and token each log to their own group");
    }
}
