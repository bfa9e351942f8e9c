package io.ecrshare.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.config.ConfigException;
import io.ecrshare.config.FunctionConfig;
import io.ecrshare.testsupport.ResponseUrlServer;
import io.ecrshare.testsupport.TestConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reconcile function whose configuration was refused still answers CloudFormation at once (the stack fails
 * now with the reason, instead of waiting for the custom resource's timeout), never blocks a rollback, and does
 * nothing else.
 */
class RefusedConfigurationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ConfigException refused() {
        Map<String, String> env = new java.util.HashMap<>(TestConfig.env());
        env.put("CONSUMER_ACCOUNT_IDS", "11111111111");   // 11 digits
        return assertThrows(ConfigException.class, () -> FunctionConfig.fromEnvironment(env));
    }

    private static JsonNode answer(String requestType, String resourceType, boolean invocationFails) throws Exception {
        ReconcileHandler handler = ReconcileHandler.refusing(refused(), new CloudFormationResponder());
        try (ResponseUrlServer cloudFormation = new ResponseUrlServer()) {
            String request = """
                    {"RequestType":"%s","ResponseURL":"%s","StackId":"arn:aws:cloudformation:us-east-1:123456789012:stack/ecr-share/1",
                     "RequestId":"r1","ResourceType":"%s","LogicalResourceId":"ConfigurationConvergence",
                     "PhysicalResourceId":"ecr-share-configuration-convergence",
                     "ResourceProperties":{"ServiceToken":"arn:aws:lambda:us-east-1:123456789012:function:f","Functions":["Grant"],
                       "Common":{"SHARE_TAG_KEY":"ecr-share"},"Grant":{}}}"""
                    .formatted(requestType, cloudFormation.url(), resourceType);
            ByteArrayInputStream in = new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8));
            if (invocationFails) {
                assertThrows(ConfigException.class, () -> handler.handleRequest(in, new ByteArrayOutputStream(), null));
            } else {
                handler.handleRequest(in, new ByteArrayOutputStream(), null);
            }
            assertEquals(1, cloudFormation.answers.size(), "exactly one answer");
            return JSON.readTree(cloudFormation.body(0));
        }
    }

    @Test
    void aConvergenceCreateOrUpdateFailsAtOnceWithTheReason() throws Exception {
        for (String type : new String[] {"Create", "Update"}) {
            JsonNode answer = answer(type, "Custom::EcrShareConvergence", true);
            assertEquals("FAILED", answer.get("Status").asText(), type);
            String reason = answer.get("Reason").asText();
            assertTrue(reason.startsWith("invalid configuration: CONSUMER_ACCOUNT_IDS contains an invalid value '11111111111'"),
                    reason);
        }
    }

    @Test
    void aDeleteSucceedsSoARollbackIsNeverBlocked() throws Exception {
        JsonNode answer = answer("Delete", "Custom::EcrShareConvergence", false);
        assertEquals("SUCCESS", answer.get("Status").asText());
        assertTrue(answer.get("Reason").asText().endsWith("nothing was reconciled"), answer.toString());
    }

    @Test
    void theDigestIsStillAnsweredItNeedsNoConfiguration() throws Exception {
        JsonNode answer = answer("Create", "Custom::EcrShareFunctionConfigurationDigest", false);
        assertEquals("SUCCESS", answer.get("Status").asText());
        assertTrue(answer.path("Data").path("Grant").isTextual(), answer.toString());
    }

    @Test
    void anyOtherInputFailsTheInvocationWithTheConfigurationError() {
        ReconcileHandler handler = ReconcileHandler.refusing(refused(), new CloudFormationResponder());
        ConfigException e = assertThrows(ConfigException.class, () -> handler.handleRequest(
                new ByteArrayInputStream("{\"dryRun\": true}".getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null));
        assertTrue(e.getMessage().contains("CONSUMER_ACCOUNT_IDS"), e.getMessage());
    }
}
