package io.ecrshare.grant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.policy.PolicyTooLargeException;
import io.ecrshare.registry.PolicyRejectedException;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.FakeEcr;
import io.ecrshare.testsupport.ProjectFiles;
import io.ecrshare.testsupport.TestConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecr.EcrClient;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What moto cannot show: throttling, ECR's policy validation, IAM propagation, size limits. */
class GrantFaultTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPO = "platform/base-image";
    private static final String EVENT = "grant-create-repository-tagged.json";

    private FakeEcr ecr;
    private EcrClient client;
    private CapturedOutput output;
    private TestConfig.RecordingSleeper sleeper;
    private GrantHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        ecr = new FakeEcr();
        client = ecr.clients().ecr();
        output = new CapturedOutput();
        sleeper = new TestConfig.RecordingSleeper();
        handler = new GrantHandler(TestConfig.components(TestConfig.env(), new EcrRepositoryRegistry(client), output,
                "grant", sleeper));
    }

    @AfterEach
    void tearDown() {
        client.close();
        ecr.close();
    }

    private JsonNode invoke() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(ProjectFiles.eventStream(EVENT), out, null);
        return JSON.readTree(out.toByteArray());
    }

    @Test
    void throttlingAndServerErrorsAreRetriedBySdkThenSucceed() throws Exception {
        ecr.repository(REPO, Map.of("ecr-share", "true"), null)
                .fail("ListTagsForResource", "ThrottlingException", 2)
                .fail("GetRepositoryPolicy", "ThrottlingException", 1)
                .fail("SetRepositoryPolicy", "ServerException", 1);

        assertEquals("granted", invoke().get("action").asText());

        assertEquals(3, ecr.calls("ListTagsForResource"));
        assertEquals(2, ecr.calls("GetRepositoryPolicy"));
        assertEquals(2, ecr.calls("SetRepositoryPolicy"));
        assertNotNull(ecr.policy(REPO));
        assertTrue(sleeper.waits.isEmpty(), "throttling is the SDK's job; our own backoff is only for rejected policies");
    }

    @Test
    void principalStillPropagatingIsRetriedWithGrowingBackoff() throws Exception {
        ecr.repository(REPO, Map.of("ecr-share", "true"), null).principalNotFound(2);

        assertEquals("granted", invoke().get("action").asText());

        assertEquals(3, ecr.calls("SetRepositoryPolicy"));
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(4)), sleeper.waits);
    }

    @Test
    void principalThatNeverAppearsFailsTheInvocationAfterAFewAttempts() {
        // Real ECR: a policy naming a principal that does not exist is rejected. 222222222222 does not exist here.
        ecr.repository(REPO, Map.of("ecr-share", "true"), null)
                .accountsExist("111111111111", "333333333333");

        PolicyRejectedException e = assertThrows(PolicyRejectedException.class, this::invoke);

        assertTrue(e.getMessage().contains("Principal not found"), e.getMessage());
        assertEquals(4, ecr.calls("SetRepositoryPolicy"), "a few attempts, never endless");
        assertEquals(3, sleeper.waits.size());
        assertNull(ecr.policy(REPO));
        JsonNode failure = output.decisions().get(0);
        assertEquals("failed", failure.get("action").asText());
        assertEquals(REPO, failure.get("repository").asText());
        assertEquals(1, output.metric("Errors"));
    }

    @Test
    void desiredPolicyOverTheLimitIsNeverSent() {
        String statements = IntStream.range(0, 63).mapToObj(i -> "{\"Sid\":\"Team" + i + "\",\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/deploy-role-number-" + i + "\"},"
                + "\"Action\":[\"ecr:PutImage\",\"ecr:InitiateLayerUpload\"]}").collect(Collectors.joining(","));
        String existing = "{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}";
        assertTrue(existing.length() < 10_240 && existing.length() > 9_700, "existing policy is valid: " + existing.length());
        ecr.repository(REPO, Map.of("ecr-share", "true"), existing);

        PolicyTooLargeException e = assertThrows(PolicyTooLargeException.class, this::invoke);

        assertEquals(0, ecr.calls("SetRepositoryPolicy"));
        assertTrue(e.getMessage().contains(REPO) && e.getMessage().contains(String.valueOf(e.size())), e.getMessage());
        JsonNode failure = output.decisions().get(0);
        assertEquals("PolicyTooLargeException", failure.get("error").asText());
        assertTrue(failure.get("reason").asText().contains("10240"));
    }

    @Test
    void repositoryDeletedBetweenReadsIsSkipped() throws Exception {
        ecr.repository(REPO, Map.of("ecr-share", "true"), null).vanishOn("GetRepositoryPolicy", REPO);

        JsonNode result = invoke();

        assertEquals("skipped", result.get("action").asText());
        assertEquals(0, ecr.calls("SetRepositoryPolicy"));
    }

    @Test
    void storedTextReformattedByEcrIsStillRecognisedAsRight() throws Exception {
        ecr.repository(REPO, Map.of("ecr-share", "true"), null);
        invoke();
        assertTrue(ecr.policy(REPO).contains("\n"), "FakeEcr stores pretty-printed text, like ECR");
        ecr.resetCalls();

        assertEquals("unchanged", invoke().get("action").asText());
        assertEquals(0, ecr.calls("SetRepositoryPolicy"));
    }
}
