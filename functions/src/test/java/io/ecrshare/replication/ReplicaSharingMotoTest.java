package io.ecrshare.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.aws.AwsClients;
import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.grant.GrantHandler;
import io.ecrshare.reconcile.CloudFormationResponder;
import io.ecrshare.reconcile.ReconcileHandler;
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
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replicas stay shared, against moto in two Regions (moto keeps one backend per Region behind one endpoint,
 * like AWS's regional endpoints): this stack runs in us-east-1 with ReplicationSourceRegions us-west-2 and
 * eu-west-1; a replica here has no tags, as ECR replication creates it.
 */
class ReplicaSharingMotoTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SOURCE_REGION = "us-west-2";

    private final MotoServer moto = MotoServer.shared();
    private AwsClients clients;
    private EcrClient here;
    private EcrClient source;
    private CountingRegistry registry;
    private CapturedOutput output;
    private Map<String, String> env;

    @BeforeEach
    void setUp() {
        moto.reset();
        clients = moto.clients();
        here = clients.ecr();
        source = clients.ecr(SOURCE_REGION);
        registry = new CountingRegistry(new EcrRepositoryRegistry(here, clients::ecr));
        output = new CapturedOutput();
        env = new HashMap<>(TestConfig.env());
        env.put("AWS_REGION", MotoServer.REGION);
        // The stack's own Region in the list is ignored: one StackSet parameter value serves every Region.
        env.put("REPLICATION_SOURCE_REGIONS", "us-west-2,eu-west-1,us-east-1");
    }

    @AfterEach
    void tearDown() {
        here.close();
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    private Map<String, String> tagsHere(String name) {
        String arn = here.describeRepositories(r -> r.repositoryNames(name)).repositories().get(0).repositoryArn();
        return here.listTagsForResource(r -> r.resourceArn(arn)).tags().stream().collect(Collectors.toMap(Tag::key, Tag::value));
    }

    private JsonNode grant(String eventFile) throws Exception {
        GrantHandler handler = new GrantHandler(TestConfig.components(env, registry, output, "grant", new TestConfig.RecordingSleeper()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(ProjectFiles.eventStream(eventFile), out, null);
        return JSON.readTree(out.toByteArray());
    }

    private JsonNode reconcile(String input) throws Exception {
        ReconcileHandler handler = new ReconcileHandler(TestConfig.components(env, registry, output, "reconcile",
                new TestConfig.RecordingSleeper()), new CloudFormationResponder());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
        handler.handleRequest(in, out, null);
        return JSON.readTree(out.toByteArray());
    }

    @Test
    void aReplicaOfASharedRepositoryIsTaggedAndGrantedWhenReplicationCreatesIt() throws Exception {
        source.createRepository(r -> r.repositoryName("platform/base-image").tags(tag("ecr-share", "true")));
        here.createRepository(r -> r.repositoryName("platform/base-image"));

        JsonNode result = grant("grant-create-repository-replica.json");

        assertEquals("granted", result.get("action").asText(), result.toString());
        assertTrue(result.get("reason").asText().contains("replica of the shared repository in us-west-2; sharing tag copied"),
                result.toString());
        assertEquals("true", tagsHere("platform/base-image").get("ecr-share"), "the minting role's tag condition now agrees");
        String policy = here.getRepositoryPolicy(r -> r.repositoryName("platform/base-image")).policyText();
        assertTrue(policy.contains("EcrSharePullAccounts"), policy);
        assertEquals(2, registry.calls("TagResource"), "the sharing tag, then ecr-share's write marker");
        assertEquals(1, registry.calls("SetRepositoryPolicy"));
    }

    @Test
    void reconcileAppliesTheSameRuleToExistingReplicasAndSkipsMissingSources() throws Exception {
        source.createRepository(r -> r.repositoryName("shared/api").tags(tag("ecr-share", "TRUE")));
        source.createRepository(r -> r.repositoryName("internal/tool"));
        source.createRepository(r -> r.repositoryName("opted-out/db").tags(tag("ecr-share", "true")));
        here.createRepository(r -> r.repositoryName("shared/api"));
        here.createRepository(r -> r.repositoryName("internal/tool"));
        here.createRepository(r -> r.repositoryName("local/only"));
        here.createRepository(r -> r.repositoryName("opted-out/db").tags(tag("ecr-share", "false")));

        JsonNode plan = reconcile("{\"dryRun\": true}");
        assertEquals(0, registry.writes() + registry.calls("TagResource"), "a plan neither tags nor writes");
        assertTrue(plan.toString().contains("replica of the shared repository in us-west-2"), plan.toString());

        registry.reset();
        JsonNode report = reconcile("{\"dryRun\": false}");
        assertEquals(1, report.at("/totals/granted").asInt(), report.toString());
        assertEquals(3, report.at("/totals/unchanged").asInt(), report.toString());
        assertEquals("true", tagsHere("shared/api").get("ecr-share"));
        assertFalse(tagsHere("internal/tool").containsKey("ecr-share"));
        assertEquals("false", tagsHere("opted-out/db").get("ecr-share"), "a local decision is kept");
        assertThrows(RepositoryPolicyNotFoundException.class, () -> here.getRepositoryPolicy(r -> r.repositoryName("opted-out/db")));

        Map<String, String> reasons = new HashMap<>();
        output.decisions().forEach(d -> reasons.put(d.get("repository").asText(), d.get("reason").asText()));
        assertTrue(reasons.get("shared/api").contains("sharing tag copied"), reasons.toString());
        // Unchanged repositories are counted, not logged, by a real reconcile: the plan logged them.
        assertTrue(output.text().contains("no replication source in eu-west-1, us-west-2 (skipped)"), output.text());
        assertTrue(output.text().contains("the repository of that name in us-west-2 is not shared; no replication source in eu-west-1"),
                output.text());

        registry.reset();
        JsonNode again = reconcile("{\"dryRun\": false}");
        assertEquals(4, again.at("/totals/unchanged").asInt(), again.toString());
        assertEquals(0, registry.writes() + registry.calls("TagResource"), "converged: no tag and no policy write");
        assertEquals(0, registry.calls("ListTagsForResource") - 4 - 2 * 2,
                "tagged repositories need no source lookup; each untagged one reads both source Regions");
    }
}
