package io.ecrshare.template;

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

    @Test
    void grantFunctionHasOnlyTheEcrPolicyActionsOnThisAccountsRepositories() {
        List<Object> statements = statements("GrantFunction");
        assertEquals(1, statements.size());
        Map<?, ?> statement = (Map<?, ?>) statements.get(0);
        assertEquals(List.of("ecr:ListTagsForResource", "ecr:GetRepositoryPolicy", "ecr:SetRepositoryPolicy",
                "ecr:DeleteRepositoryPolicy"), statement.get("Action"));
        assertEquals(Map.of("Fn::Sub", "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*"),
                statement.get("Resource"));
    }

    @Test
    void grantRuleHasRetriesAndADeadLetterQueueAndFailedInvocationsGoToAQueue() {
        Map<String, Object> props = template.properties("GrantFunction");
        Map<?, ?> rule = (Map<?, ?>) at(props, "Events", "RepositoryCreatedOrTagged", "Properties");
        assertEquals("EventBridgeRule", at(props, "Events", "RepositoryCreatedOrTagged", "Type"));
        assertNotNull(at(rule, "RetryPolicy", "MaximumRetryAttempts"));
        assertEquals("SQS", at(rule, "DeadLetterConfig", "Type"));
        assertEquals("SQS", at(props, "EventInvokeConfig", "DestinationConfig", "OnFailure", "Type"));
    }

    @SuppressWarnings("unchecked")
    private List<Object> statements(String function) {
        List<Object> all = new ArrayList<>();
        for (Object policy : (List<Object>) template.properties(function).get("Policies")) {
            Object statement = ((Map<String, Object>) policy).get("Statement");
            if (statement != null) {
                all.addAll((List<Object>) statement);
            }
        }
        return all;
    }
}
