package io.ecrshare.grant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.event.MalformedEventException;
import io.ecrshare.policy.ManagedStatements;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.CountingRegistry;
import io.ecrshare.testsupport.MotoServer;
import io.ecrshare.testsupport.ProjectFiles;
import io.ecrshare.testsupport.TestConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.RepositoryPolicyNotFoundException;
import software.amazon.awssdk.services.ecr.model.Tag;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GrantFunction end to end: the sample events in events/, the real SDK client, moto as ECR. */
class GrantHandlerMotoTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FOREIGN = "{\"Sid\":\"TeamCI\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/ci\"},\"Action\":[\"ecr:PutImage\",\"ecr:BatchGetImage\"]}";

    private final MotoServer moto = MotoServer.shared();
    private EcrClient ecr;
    private CountingRegistry registry;
    private CapturedOutput output;
    private GrantHandler handler;

    @BeforeEach
    void setUp() {
        moto.reset();
        ecr = moto.clients().ecr();
        registry = new CountingRegistry(new EcrRepositoryRegistry(ecr));
        output = new CapturedOutput();
        handler = new GrantHandler(TestConfig.components(TestConfig.env(), registry, output, "grant",
                new TestConfig.RecordingSleeper()));
    }

    @AfterEach
    void tearDown() {
        ecr.close();
    }

    private JsonNode invoke(String eventFile) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(ProjectFiles.eventStream(eventFile), out, null);
        return JSON.readTree(out.toByteArray());
    }

    private void create(String name, Tag... tags) {
        ecr.createRepository(r -> r.repositoryName(name).tags(tags));
    }

    private JsonNode statements(String name) throws Exception {
        return JSON.readTree(ecr.getRepositoryPolicy(r -> r.repositoryName(name)).policyText()).get("Statement");
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    private List<String> sids(JsonNode statements) {
        List<String> sids = new java.util.ArrayList<>();
        statements.forEach(s -> sids.add(s.path("Sid").asText()));
        return sids;
    }

    @Test
    void createWithShareTagGrantsTheStandardPolicyWithTwoReadsAndOneWrite() throws Exception {
        create("platform/base-image", tag("ecr-share", "true"), tag("team", "platform"));

        JsonNode result = invoke("grant-create-repository-tagged.json");

        assertEquals("granted", result.get("action").asText());
        assertEquals(List.of("EcrSharePullAccounts", "EcrSharePullPrincipals", "EcrSharePullOrganizations"),
                sids(statements("platform/base-image")));
        JsonNode principals = statements("platform/base-image").get(1);
        assertEquals("arn:aws:iam::333333333333:root", principals.at("/Principal/AWS/0").asText());
        assertEquals("arn:aws:iam::333333333333:role/puller", principals.at("/Condition/ArnLike/aws:PrincipalArn/0").asText());
        assertEquals(2, registry.reads());
        assertEquals(1, registry.writes());

        JsonNode decision = output.decisions().get(0);
        assertEquals("platform/base-image", decision.get("repository").asText());
        assertEquals("CreateRepository", decision.get("eventName").asText());
        assertEquals("arn:aws:sts::123456789012:assumed-role/PlatformEngineer/jane.doe", decision.get("actor").asText());
        assertEquals("granted", decision.get("action").asText());
        assertEquals(1, output.metric("Granted"));
        assertEquals(1, output.metric("PoliciesWritten"));
    }

    @Test
    void sameEventTwiceWritesOnceThenNothing() throws Exception {
        create("platform/base-image", tag("ecr-share", "true"));
        invoke("grant-create-repository-tagged.json");
        registry.reset();

        JsonNode again = invoke("grant-create-repository-tagged.json");

        assertEquals("unchanged", again.get("action").asText());
        assertEquals(2, registry.reads());
        assertEquals(0, registry.writes(), "an already-right repository costs reads only");
    }

    @Test
    void createWithoutTagLeavesTheRepositoryAlone() throws Exception {
        create("payments/internal-tool");

        JsonNode result = invoke("grant-create-repository-untagged.json");

        assertEquals("unchanged", result.get("action").asText());
        assertThrows(RepositoryPolicyNotFoundException.class,
                () -> ecr.getRepositoryPolicy(r -> r.repositoryName("payments/internal-tool")));
        assertEquals(0, registry.writes());
    }

    @Test
    void taggingLaterGrantsAndKeepsTheExistingStatementFirst() throws Exception {
        create("payments/internal-tool");
        ecr.setRepositoryPolicy(r -> r.repositoryName("payments/internal-tool")
                .policyText("{\"Version\":\"2012-10-17\",\"Statement\":[" + FOREIGN + "]}"));
        ecr.tagResource(r -> r.resourceArn("arn:aws:ecr:us-east-1:123456789012:repository/payments/internal-tool")
                .tags(tag("ecr-share", "TRUE")));

        JsonNode result = invoke("grant-tag-resource.json");

        assertEquals("granted", result.get("action").asText());
        JsonNode statements = statements("payments/internal-tool");
        assertEquals(JSON.readTree(FOREIGN), statements.get(0), "foreign statement kept exactly");
        assertEquals(List.of("TeamCI", "EcrSharePullAccounts", "EcrSharePullPrincipals", "EcrSharePullOrganizations"),
                sids(statements));
    }

    @Test
    void untaggingRemovesOnlyManagedStatements() throws Exception {
        create("platform/base-image", tag("ecr-share", "true"));
        invoke("grant-create-repository-tagged.json");
        JsonNode granted = statements("platform/base-image");
        StringBuilder withForeign = new StringBuilder("{\"Version\":\"2012-10-17\",\"Statement\":[" + FOREIGN);
        granted.forEach(s -> withForeign.append(',').append(s));
        ecr.setRepositoryPolicy(r -> r.repositoryName("platform/base-image").policyText(withForeign + "]}"));
        ecr.untagResource(r -> r.resourceArn("arn:aws:ecr:us-east-1:123456789012:repository/platform/base-image")
                .tagKeys("ecr-share"));

        JsonNode result = invoke("grant-untag-resource.json");

        assertEquals("revoked", result.get("action").asText());
        JsonNode statements = statements("platform/base-image");
        assertEquals(1, statements.size());
        assertEquals(JSON.readTree(FOREIGN), statements.get(0));
    }

    @Test
    void untaggingDeletesThePolicyWhenNothingElseRemains() throws Exception {
        create("platform/base-image", tag("ecr-share", "true"));
        invoke("grant-create-repository-tagged.json");
        ecr.untagResource(r -> r.resourceArn("arn:aws:ecr:us-east-1:123456789012:repository/platform/base-image")
                .tagKeys("ecr-share"));
        registry.reset();

        JsonNode result = invoke("grant-untag-resource.json");

        assertEquals("revoked", result.get("action").asText());
        assertEquals(1, registry.calls("DeleteRepositoryPolicy"));
        assertThrows(RepositoryPolicyNotFoundException.class,
                () -> ecr.getRepositoryPolicy(r -> r.repositoryName("platform/base-image")));
    }

    @Test
    void repositoryCreatedByPullThroughCacheIsGranted() throws Exception {
        // A repository creation template applied the sharing tag when ECR created the repository itself.
        create("ecr-public/docker/library/alpine", tag("ecr-share", "true"));

        JsonNode result = invoke("grant-create-repository-pull-through-cache.json");

        assertEquals("granted", result.get("action").asText());
        assertTrue(statements("ecr-public/docker/library/alpine").toString().contains(ManagedStatements.SID_PREFIX));
        assertEquals("ecr.amazonaws.com", output.decisions().get(0).get("actor").asText());
    }

    @Test
    void repositoryDeletedMeanwhileIsSkippedNotFailed() throws Exception {
        JsonNode result = invoke("grant-create-repository-tagged.json");

        assertEquals("skipped", result.get("action").asText());
        assertTrue(result.get("reason").asText().contains("no longer exists"));
        assertEquals(0, registry.writes());
    }

    @Test
    void malformedEventFailsNamingTheMissingFieldAndIsRecorded() {
        String event = ProjectFiles.eventText("grant-tag-resource.json").replace("\"eventName\"", "\"eventNameX\"");
        MalformedEventException e = assertThrows(MalformedEventException.class, () -> handler.handleRequest(
                new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null));
        assertTrue(e.getMessage().contains("detail.eventName"));
        JsonNode failure = output.decisions().get(0);
        assertEquals("failed", failure.get("action").asText());
        assertEquals("ERROR", failure.get("level").asText());
        assertEquals(1, output.metric("Errors"));
    }
}
