package io.ecrshare.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.config.ShareConfig;
import io.ecrshare.event.MalformedEventException;
import io.ecrshare.policy.ManagedStatements;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.CountingRegistry;
import io.ecrshare.testsupport.GeneratedRegistry;
import io.ecrshare.testsupport.MotoServer;
import io.ecrshare.testsupport.ProjectFiles;
import io.ecrshare.testsupport.ResponseUrlServer;
import io.ecrshare.testsupport.TestConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.RepositoryPolicyNotFoundException;
import software.amazon.awssdk.services.ecr.model.Tag;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ReconcileFunction over a generated registry in moto: everything converges, and a second run writes nothing. */
class ReconcileMotoTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REPOSITORIES = 120;

    private final MotoServer moto = MotoServer.shared();
    private final ShareConfig config = ShareConfig.fromEnvironment(TestConfig.env());
    private final ManagedStatements managed = new ManagedStatements(config.consumers());
    private EcrClient ecr;
    private CountingRegistry registry;
    private CapturedOutput output;
    private ReconcileHandler handler;
    private List<GeneratedRegistry.Repository> repositories;

    @BeforeEach
    void setUp() {
        moto.reset();
        ecr = moto.clients().ecr();
        registry = new CountingRegistry(new EcrRepositoryRegistry(ecr));
        output = new CapturedOutput();
        handler = new ReconcileHandler(TestConfig.components(TestConfig.env(), registry, output, "reconcile",
                new TestConfig.RecordingSleeper()), new CloudFormationResponder());
        repositories = GeneratedRegistry.repositories(REPOSITORIES);
        GeneratedRegistry.create(repositories, config, (name, tags, policy) -> {
            ecr.createRepository(r -> r.repositoryName(name).tags(tags.entrySet().stream()
                    .map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList()));
            if (policy != null) {
                ecr.setRepositoryPolicy(r -> r.repositoryName(name).policyText(policy));
            }
        });
    }

    @AfterEach
    void tearDown() {
        ecr.close();
    }

    private JsonNode invoke(String input) throws Exception {
        return invoke(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    }

    private JsonNode invoke(InputStream input) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(input, out, null);
        return JSON.readTree(out.toByteArray());
    }

    private String policyOf(String name) {
        try {
            return ecr.getRepositoryPolicy(r -> r.repositoryName(name)).policyText();
        } catch (RepositoryPolicyNotFoundException e) {
            return null;
        }
    }

    private void assertEveryRepositoryConverged() {
        for (GeneratedRegistry.Repository repository : repositories) {
            assertEquals(GeneratedRegistry.expectedSids(repository.kind(), managed),
                    GeneratedRegistry.sids(policyOf(repository.name())), repository.toString());
        }
    }

    @Test
    void scheduledReconcileConvergesEveryRepositoryAndASecondRunWritesNothing() throws Exception {
        JsonNode first = invoke(ProjectFiles.eventStream("reconcile-schedule.json"));

        assertEveryRepositoryConverged();
        int perKind = REPOSITORIES / 6;
        assertEquals(perKind, first.at("/totals/granted").asInt());
        assertEquals(perKind, first.at("/totals/restored").asInt());
        assertEquals(perKind * 2, first.at("/totals/revoked").asInt());
        assertEquals(perKind * 2, first.at("/totals/unchanged").asInt());
        assertEquals(perKind * 4, registry.writes());
        assertEquals(1, registry.calls("DescribeRepositories"));
        assertEquals(REPOSITORIES * 2, registry.reads(), "two reads per repository");
        assertEquals(perKind, output.metric("DriftCorrected"));

        registry.reset();
        JsonNode second = invoke(ProjectFiles.eventStream("reconcile-schedule.json"));
        assertEquals(REPOSITORIES, second.at("/totals/unchanged").asInt());
        assertEquals(0, registry.writes(), "a converged registry costs reads only");
        assertEveryRepositoryConverged();
    }

    @Test
    void planChangesNothingAndSaysWhatItWouldDoPerRepository() throws Exception {
        JsonNode plan = invoke(ProjectFiles.eventStream("reconcile-plan.json"));

        assertEquals(0, registry.writes());
        assertTrue(plan.get("dryRun").asBoolean());
        assertEquals(REPOSITORIES, plan.get("plan").size());
        for (JsonNode entry : plan.get("plan")) {
            GeneratedRegistry.Kind kind = repositories.stream().filter(r -> r.name().equals(entry.get("repository").asText()))
                    .findFirst().orElseThrow().kind();
            String expected = switch (kind) {
                case NEW_SHARED -> "granted";
                case DRIFTED -> "restored";
                case FORMERLY_SHARED, FORMERLY_SHARED_WITH_FOREIGN -> "revoked";
                case COMPLIANT, UNSHARED -> "unchanged";
            };
            assertEquals(expected, entry.get("action").asText(), entry.toString());
            assertTrue(entry.get("reason").asText().contains("ecr-share=true"), entry.toString());
        }
        // Nothing changed: a real run afterwards still has all the work to do.
        assertEquals(REPOSITORIES / 6, invoke("{\"dryRun\": false}").at("/totals/granted").asInt());
    }

    @Test
    void deployThatChangesConfigurationAnswersCloudFormationThenConverges() throws Exception {
        try (ResponseUrlServer cloudFormation = new ResponseUrlServer()) {
            List<String> answers = cloudFormation.answers;
            String url = cloudFormation.url();
            String request = """
                    {"RequestType":"Update","ServiceToken":"arn:aws:lambda:us-east-1:123456789012:function:ecr-share-ReconcileFunction",
                     "ResponseURL":"%s","StackId":"arn:aws:cloudformation:us-east-1:123456789012:stack/ecr-share/1",
                     "RequestId":"d2a1","LogicalResourceId":"ConfigurationConvergence","ResourceType":"Custom::EcrShareConvergence",
                     "PhysicalResourceId":"ecr-share-configuration-convergence",
                     "ResourceProperties":{"ConsumerAccountIds":"111111111111,222222222222"}}""".formatted(url);

            invoke(request);

            assertEquals(1, answers.size());
            JsonNode answer = JSON.readTree(answers.get(0).substring("PUT ".length()));
            assertEquals("SUCCESS", answer.get("Status").asText());
            assertEquals("d2a1", answer.get("RequestId").asText());
            assertEquals("ConfigurationConvergence", answer.get("LogicalResourceId").asText());
            assertEveryRepositoryConverged();

            registry.reset();
            invoke(request.replace("\"Update\"", "\"Delete\""));
            assertEquals(2, answers.size());
            assertEquals(Map.of(), registry.snapshot(), "deleting the stack leaves repositories alone");
        }
    }

    @Test
    void deleteWithRevokeOnDeleteRemovesEveryManagedStatementAndReportsWhatItRemoved() throws Exception {
        long shared = repositories.stream().filter(r -> policyOf(r.name()) != null && policyOf(r.name()).contains("EcrShare")).count();
        Map<String, String> env = new java.util.HashMap<>(TestConfig.env());
        env.put("REVOKE_ON_DELETE", "true");
        handler = new ReconcileHandler(TestConfig.components(env, registry, output, "reconcile",
                new TestConfig.RecordingSleeper()), new CloudFormationResponder());
        registry.reset();

        JsonNode preview = invoke("{\"dryRun\": true, \"revokeAll\": true}");
        assertEquals(shared, preview.at("/totals/revoked").asLong(), preview.toString());
        assertEquals(0, registry.writes(), "the preview changes nothing");
        assertThrows(MalformedEventException.class, () -> invoke("{\"dryRun\": false, \"revokeAll\": true}"),
                "only the stack's deletion revokes");

        JsonNode answer;
        try (ResponseUrlServer cloudFormation = new ResponseUrlServer()) {
            String url = cloudFormation.url();
            invoke("""
                    {"RequestType":"Delete","ResponseURL":"%s","StackId":"arn:aws:cloudformation:us-east-1:123456789012:stack/ecr-share/1",
                     "RequestId":"d2a2","LogicalResourceId":"ConfigurationConvergence","ResourceType":"Custom::EcrShareConvergence",
                     "PhysicalResourceId":"ecr-share-configuration-convergence","ResourceProperties":{}}""".formatted(url));
            assertEquals(1, cloudFormation.answers.size(), "answered once, after the revoke");
            answer = JSON.readTree(cloudFormation.body(0));
        }
        assertEquals("SUCCESS", answer.get("Status").asText());
        assertEquals("revoked the managed statements of " + shared + " of " + REPOSITORIES + " repositories",
                answer.get("Reason").asText());
        for (GeneratedRegistry.Repository repository : repositories) {
            String policy = policyOf(repository.name());
            assertTrue(policy == null || !policy.contains("EcrShare"), repository + ": " + policy);
        }
    }

    @Test
    void anythingButTheFourAcceptedInputsIsRefusedBeforeAnyApiCall() {
        for (String input : List.of("{\"DryRun\": true}", "{\"dry_run\": true}", "{\"detail\": {\"dryRun\": true}}", "{}",
                "{\"dryRun\":\"yes\"}", "{\"dryRun\": true, \"extra\": 1}", "[1,2]", "null", "", "not json",
                "{\"source\":\"aws.ecr\",\"detail-type\":\"Scheduled Event\"}",
                "{\"source\":\"aws.events\",\"detail-type\":\"AWS API Call via CloudTrail\"}",
                "{\"RequestType\":\"Update\"}")) {
            MalformedEventException e = assertThrows(MalformedEventException.class, () -> invoke(input), input);
            assertTrue(e.getMessage().contains("accepts exactly") && e.getMessage().contains("{\"dryRun\": true}"),
                    e.getMessage());
        }
        assertEquals(Map.of(), registry.snapshot(), "no API call for a refused input");
    }

    @Test
    void aRefusedCustomResourceRequestIsAnsweredFailedSoTheStackDoesNotHang() throws Exception {
        List<String> answers = new CopyOnWriteArrayList<>();
        HttpServer cloudFormation = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        cloudFormation.createContext("/", exchange -> {
            answers.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        cloudFormation.start();
        try {
            String request = """
                    {"RequestType":"Rollback","ResponseURL":"http://127.0.0.1:%d/presigned",
                     "StackId":"arn:aws:cloudformation:us-east-1:123456789012:stack/ecr-share/1","RequestId":"r1",
                     "LogicalResourceId":"ConfigurationConvergence"}""".formatted(cloudFormation.getAddress().getPort());
            assertThrows(MalformedEventException.class, () -> invoke(request));
            assertEquals(1, answers.size());
            assertEquals("FAILED", JSON.readTree(answers.get(0)).get("Status").asText());
            assertEquals(Map.of(), registry.snapshot());
        } finally {
            cloudFormation.stop(0);
        }
    }
}
