package io.ecrshare.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.InMemoryRegistry;
import io.ecrshare.testsupport.ResponseUrlServer;
import io.ecrshare.testsupport.TestConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RevokeOnDelete when a repository cannot be revoked: CloudFormation hears FAILED, naming it, after the sweep. */
class RevokeOnDeleteTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRepositoryThatCannotBeRevokedFailsTheDeleteNamingIt() throws Exception {
        String managed = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"EcrSharePullAccounts\",\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":[\"arn:aws:iam::111111111111:root\"]},\"Action\":[\"ecr:BatchGetImage\"]}]}";
        InMemoryRegistry registry = new InMemoryRegistry()
                .repository("platform/base-image", Map.of("ecr-share", "true")).policy("platform/base-image", managed)
                .repository("platform/locked", Map.of("ecr-share", "true")).policy("platform/locked", managed)
                .failing("platform/locked", new IllegalStateException("AccessDenied"));
        Map<String, String> env = new HashMap<>(TestConfig.env());
        env.put("REVOKE_ON_DELETE", "true");
        ReconcileHandler handler = new ReconcileHandler(TestConfig.components(env, registry, new CapturedOutput(), "reconcile",
                new TestConfig.RecordingSleeper()), new CloudFormationResponder());

        JsonNode answer;
        try (ResponseUrlServer cloudFormation = new ResponseUrlServer()) {
            String request = """
                    {"RequestType":"Delete","ResponseURL":"%s","StackId":"arn:aws:cloudformation:us-east-1:123456789012:stack/ecr-share/1",
                     "RequestId":"d2a3","LogicalResourceId":"ConfigurationConvergence","PhysicalResourceId":"ecr-share-configuration-convergence"}"""
                    .formatted(cloudFormation.url());
            handler.handleRequest(new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null);
            assertEquals(1, cloudFormation.answers.size());
            answer = JSON.readTree(cloudFormation.body(0));
        }
        assertEquals("FAILED", answer.get("Status").asText());
        String reason = answer.get("Reason").asText();
        assertTrue(reason.startsWith("revoke on delete: 1 revoked, 1 of 2 repositories failed: platform/locked"), reason);
        assertTrue(registry.storedPolicy("platform/base-image").isEmpty(), "the other repository was revoked");
    }
}
