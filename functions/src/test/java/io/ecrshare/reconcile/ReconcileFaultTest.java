package io.ecrshare.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.config.ShareConfig;
import io.ecrshare.policy.ManagedStatements;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.FakeEcr;
import io.ecrshare.testsupport.GeneratedRegistry;
import io.ecrshare.testsupport.TestConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecr.EcrClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reconcile under what moto cannot produce: throttling storms, deletions mid-sweep, a rejected write, paging. */
class ReconcileFaultTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ShareConfig config = ShareConfig.fromEnvironment(TestConfig.env());
    private final ManagedStatements managed = new ManagedStatements(config.consumers());
    private FakeEcr ecr;
    private EcrClient client;
    private CapturedOutput output;
    private ReconcileHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        ecr = new FakeEcr();
        client = ecr.clients().ecr();
        output = new CapturedOutput();
        handler = new ReconcileHandler(TestConfig.components(TestConfig.env(), new EcrRepositoryRegistry(client), output,
                "reconcile", new TestConfig.RecordingSleeper()), new CloudFormationResponder());
    }

    @AfterEach
    void tearDown() {
        client.close();
        ecr.close();
    }

    private List<GeneratedRegistry.Repository> generate(int count) {
        List<GeneratedRegistry.Repository> repositories = GeneratedRegistry.repositories(count);
        GeneratedRegistry.create(repositories, config, ecr::repository);
        return repositories;
    }

    private JsonNode reconcile() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream("{\"dryRun\": false}".getBytes(StandardCharsets.UTF_8)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    private void assertConverged(List<GeneratedRegistry.Repository> repositories, String except) {
        for (GeneratedRegistry.Repository repository : repositories) {
            if (repository.name().equals(except)) {
                continue;
            }
            assertEquals(GeneratedRegistry.expectedSids(repository.kind(), managed),
                    GeneratedRegistry.sids(ecr.policy(repository.name())), repository.toString());
        }
    }

    @Test
    void throttlingStormIsRiddenOutWithBackoff() throws Exception {
        List<GeneratedRegistry.Repository> repositories = generate(96);
        ecr.fail("ListTagsForResource", "ThrottlingException", 16)
                .fail("GetRepositoryPolicy", "ThrottlingException", 16)
                .fail("SetRepositoryPolicy", "ThrottlingException", 10)
                .fail("DescribeRepositories", "ThrottlingException", 2);

        JsonNode report = reconcile();

        assertEquals(0, report.get("failures").size(), report.toString());
        assertConverged(repositories, null);
        assertEquals(96 + 16, ecr.calls("ListTagsForResource"), "every throttled call was retried once more");
    }

    @Test
    void repositoryDeletedMidSweepIsSkipped() throws Exception {
        List<GeneratedRegistry.Repository> repositories = generate(30);
        String victim = repositories.get(6).name();
        ecr.vanishOn("ListTagsForResource", victim);

        JsonNode report = reconcile();

        assertEquals(1, report.at("/totals/skipped").asInt());
        assertEquals(0, report.get("failures").size());
        assertFalse(ecr.exists(victim));
        assertConverged(repositories, victim);
    }

    @Test
    void oneRejectedWriteFailsTheInvocationOnlyAfterEveryOtherRepositoryConverged() {
        List<GeneratedRegistry.Repository> repositories = generate(60);
        String rejected = repositories.get(0).name(); // NEW_SHARED: needs a write
        ecr.rejectPolicyFor(rejected);

        ReconcileFailedException e = assertThrows(ReconcileFailedException.class, this::reconcile);

        assertTrue(e.getMessage().startsWith("1 of 60 repositories failed: " + rejected), e.getMessage());
        assertTrue(e.getMessage().contains("Principal not found"), e.getMessage());
        assertConverged(repositories, rejected);
        assertEquals(1, output.metric("Errors"));
        JsonNode summary = output.lines().stream().filter(l -> l.path("message").asText().startsWith("reconcile finished"))
                .findFirst().orElseThrow();
        assertEquals("ERROR", summary.get("level").asText());
        assertEquals(rejected, summary.at("/failures/0").asText());
    }

    @Test
    void registryLargerThanOnePageIsWalkedPageByPageAtTheMaximumPageSize() throws Exception {
        List<GeneratedRegistry.Repository> repositories = generate(2_100);

        JsonNode report = reconcile();

        assertEquals(2_100, report.get("repositories").asInt());
        assertEquals(3, ecr.calls("DescribeRepositories"), "pages of 1,000");
        assertConverged(repositories, null);
    }
}
