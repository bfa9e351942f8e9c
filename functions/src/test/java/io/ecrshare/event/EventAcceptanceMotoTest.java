package io.ecrshare.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.enforce.EnforceHandler;
import io.ecrshare.grant.GrantHandler;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.CountingRegistry;
import io.ecrshare.testsupport.MotoServer;
import io.ecrshare.testsupport.ProjectFiles;
import io.ecrshare.testsupport.TestConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.Tag;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Grant and Enforce act only on what their EventBridge rule matches, and only on this account's repositories
 * in this Region: anything else (a failed call invoked directly, another source or event name, a TagResource on
 * another account's repository ARN) is a logged skip with zero API calls, against moto with the real SDK.
 */
class EventAcceptanceMotoTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MotoServer moto = MotoServer.shared();
    private EcrClient ecr;
    private CountingRegistry registry;
    private CapturedOutput output;

    @BeforeEach
    void setUp() {
        moto.reset();
        ecr = moto.clients().ecr();
        registry = new CountingRegistry(new EcrRepositoryRegistry(ecr));
        output = new CapturedOutput();
        for (String name : new String[]{"platform/base-image", "payments/internal-tool", "web/frontend"}) {
            ecr.createRepository(r -> r.repositoryName(name).tags(Tag.builder().key("ecr-share").value("true").build()));
        }
    }

    @AfterEach
    void tearDown() {
        ecr.close();
    }

    private JsonNode invoke(RequestStreamHandler handler, JsonNode event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    private static Map<String, Consumer<ObjectNode>> mutations() {
        Map<String, Consumer<ObjectNode>> m = new LinkedHashMap<>();
        m.put("source", e -> e.put("source", "aws.s3"));
        m.put("detail-type", e -> e.put("detail-type", "ECR Image Action"));
        m.put("eventSource", e -> ((ObjectNode) e.get("detail")).put("eventSource", "s3.amazonaws.com"));
        m.put("eventName", e -> ((ObjectNode) e.get("detail")).put("eventName", "PutImage"));
        m.put("errorCode", e -> ((ObjectNode) e.get("detail")).put("errorCode", "AccessDenied"));
        m.put("null errorCode", e -> ((ObjectNode) e.get("detail")).putNull("errorCode"));
        m.put("another account", e -> retarget(e, "999999999999", "us-east-1"));
        m.put("another Region", e -> retarget(e, "123456789012", "eu-west-1"));
        return m;
    }

    /** The repository the event names, moved to another account or Region (ARN, registryId, awsRegion). */
    private static void retarget(ObjectNode event, String account, String region) {
        ObjectNode detail = (ObjectNode) event.get("detail");
        ObjectNode request = (ObjectNode) detail.get("requestParameters");
        if (request.has("resourceArn")) {
            request.put("resourceArn", request.get("resourceArn").asText()
                    .replace(":us-east-1:", ":" + region + ":").replace(":123456789012:", ":" + account + ":"));
        } else {
            request.put("registryId", account);
            detail.put("awsRegion", region);
            event.put("region", region);
        }
    }

    private void assertEverySkipped(RequestStreamHandler handler, String... files) throws Exception {
        for (String file : files) {
            JsonNode sample = JSON.readTree(ProjectFiles.eventText(file));
            for (Map.Entry<String, Consumer<ObjectNode>> mutation : mutations().entrySet()) {
                ObjectNode event = sample.deepCopy();
                mutation.getValue().accept(event);
                registry.reset();
                JsonNode result = invoke(handler, event);
                String label = file + " with " + mutation.getKey();
                assertEquals("skipped", result.get("action").asText(), label + ": " + result);
                assertEquals(Map.of(), registry.snapshot(), label + ": no API call");
            }
            registry.reset();
            assertTrue(!invoke(handler, sample).get("action").asText().equals("skipped"), file + " as sampled is acted on");
        }
        assertTrue(output.lines().stream().map(JsonNode::toString).anyMatch(l -> l.contains("\"action\":\"skipped\"")
                && l.contains("not an event") && l.contains("errorCode AccessDenied")), "skips are logged with the reason");
    }

    @Test
    void grantSkipsWhatItsRuleDoesNotMatchAndRepositoriesThatAreNotOurs() throws Exception {
        GrantHandler grant = new GrantHandler(TestConfig.components(TestConfig.env(), registry, output, "grant",
                new TestConfig.RecordingSleeper()));
        assertEverySkipped(grant, "grant-tag-resource.json", "grant-create-repository-tagged.json");
        // The enforcer's events are not the grant function's.
        registry.reset();
        assertEquals("skipped", invoke(grant, JSON.readTree(ProjectFiles.eventText("enforce-set-repository-policy-by-person.json")))
                .get("action").asText());
        assertEquals(Map.of(), registry.snapshot());
    }

    @Test
    void enforceSkipsWhatItsRuleDoesNotMatchAndRepositoriesThatAreNotOurs() throws Exception {
        EnforceHandler enforce = new EnforceHandler(TestConfig.components(TestConfig.env(), registry, output, "enforce",
                new TestConfig.RecordingSleeper()));
        assertEverySkipped(enforce, "enforce-set-repository-policy-by-person.json", "enforce-delete-repository-policy.json");
        registry.reset();
        assertEquals("skipped", invoke(enforce, JSON.readTree(ProjectFiles.eventText("grant-tag-resource.json")))
                .get("action").asText());
        assertEquals(Map.of(), registry.snapshot());
    }

    @Test
    void everyLineOfAnInvocationCarriesItsLambdaRequestId() throws Exception {
        GrantHandler grant = new GrantHandler(TestConfig.components(TestConfig.env(), registry, output, "grant",
                new TestConfig.RecordingSleeper()));
        grant.handleRequest(ProjectFiles.eventStream("grant-tag-resource.json"), new ByteArrayOutputStream(),
                io.ecrshare.testsupport.LambdaContext.withRequestId("req-grant-1"));
        assertTrue(output.lines().size() >= 2, output.text());
        assertTrue(output.lines().stream().allMatch(l -> "req-grant-1".equals(l.path("lambdaRequestId").asText())), output.text());
    }
}
