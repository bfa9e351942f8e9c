package io.ecrshare.enforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.grant.GrantHandler;
import io.ecrshare.share.WriteMarker;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.FakeEcr;
import io.ecrshare.testsupport.MotoServer;
import io.ecrshare.testsupport.ProjectFiles;
import io.ecrshare.testsupport.RacingRegistry;
import io.ecrshare.testsupport.TestConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.Tag;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No lost updates (issue 9 item 3), against moto and against the loopback ECR, with the real SDK and handlers:
 * a person's edit lands between ecr-share's read and its write (the hook of {@link RacingRegistry}); when the
 * person's own event arrives, the enforcer puts their statements back if nothing but ecr-share wrote since, never
 * brings back what a later edit removed, and warns when it cannot tell. Also: a rejected write is retried only
 * after reading and deciding again.
 */
class LostUpdateRaceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPO = "platform/base-image";
    private static final String PERSON = "arn:aws:sts::123456789012:assumed-role/Developer/sam.lee";
    private static final String TEAM_CI = "{\"Sid\":\"TeamCIPush\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/team-ci\"},"
            + "\"Action\":[\"ecr:PutImage\",\"ecr:InitiateLayerUpload\"]}";
    private static final String AUDIT = "{\"Sid\":\"AuditRead\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/audit\"},"
            + "\"Action\":\"ecr:DescribeImages\"}";
    private static final String NIGHTLY = "{\"Sid\":\"NightlyScan\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/scanner\"},"
            + "\"Action\":\"ecr:DescribeImages\"}";
    /** A managed statement someone broke: the enforcer must write, which opens the race window. */
    private static final String BROKEN_MANAGED = "{\"Sid\":\"EcrSharePullAccounts\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
            + "[\"arn:aws:iam::111111111111:root\"]},\"Action\":[\"ecr:BatchGetImage\"]}";

    private MotoServer moto;
    private FakeEcr fake;
    private EcrClient ecr;
    private RacingRegistry registry;
    private final CapturedOutput output = new CapturedOutput();

    @AfterEach
    void tearDown() {
        if (ecr != null) {
            ecr.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    private static String policy(String... statements) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
    }

    /** The repository, shared, with a policy, in moto or in the loopback ECR. */
    private void start(String backend, String initialPolicy) throws Exception {
        if (backend.equals("moto")) {
            moto = MotoServer.shared();
            moto.reset();
            ecr = moto.clients().ecr();
            ecr.createRepository(r -> r.repositoryName(REPO).tags(Tag.builder().key("ecr-share").value("true").build()));
            ecr.setRepositoryPolicy(r -> r.repositoryName(REPO).policyText(initialPolicy));
        } else {
            fake = new FakeEcr();
            fake.repository(REPO, Map.of("ecr-share", "true"), initialPolicy);
            ecr = fake.clients().ecr();
        }
        registry = new RacingRegistry(new EcrRepositoryRegistry(ecr));
    }

    private EnforceHandler enforcer() {
        return new EnforceHandler(TestConfig.components(TestConfig.env(), registry, output, "enforce",
                new TestConfig.RecordingSleeper()));
    }

    /** A person's SetRepositoryPolicy event for the repository, as CloudTrail records it (eventTime to the second). */
    private static ObjectNode personSetsPolicy(String policyText, Instant when, String eventId) throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(ProjectFiles.eventText("enforce-set-repository-policy-by-person.json"));
        ObjectNode detail = (ObjectNode) event.get("detail");
        detail.put("eventTime", when.truncatedTo(ChronoUnit.SECONDS).toString());
        detail.put("eventID", eventId);
        ((ObjectNode) detail.get("requestParameters")).put("policyText", policyText);
        return event;
    }

    private static JsonNode invoke(RequestStreamHandler handler, JsonNode event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    /** The person's edit, straight to the registry (not through ecr-share). */
    private void personWrites(String policyText) {
        ecr.setRepositoryPolicy(r -> r.repositoryName(REPO).policyText(policyText));
    }

    private List<String> sids() throws Exception {
        JsonNode stored = JSON.readTree(ecr.getRepositoryPolicy(r -> r.repositoryName(REPO)).policyText());
        List<String> sids = new ArrayList<>();
        stored.path("Statement").forEach(s -> sids.add(s.path("Sid").asText()));
        return sids;
    }

    private Map<String, String> tags() {
        return ecr.listTagsForResource(r -> r.resourceArn("arn:aws:ecr:us-east-1:123456789012:repository/" + REPO)).tags()
                .stream().collect(Collectors.toMap(Tag::key, Tag::value));
    }

    private JsonNode lastDecision() {
        List<JsonNode> decisions = output.decisions();
        return decisions.get(decisions.size() - 1);
    }

    /**
     * The enforcer answers an earlier edit (which broke a managed statement); while it writes, the person adds
     * TeamCIPush. That write overwrites it. When the person's own event arrives, the statement comes back.
     */
    @ParameterizedTest
    @ValueSource(strings = {"moto", "loopback"})
    void aStatementOverwrittenBetweenOurReadAndOurWriteIsPutBackWhenItsEventArrives(String backend) throws Exception {
        String earlier = policy(AUDIT, BROKEN_MANAGED);
        start(backend, earlier);
        EnforceHandler enforcer = enforcer();
        Instant editTime = Instant.now();
        String theirs = policy(AUDIT, TEAM_CI, BROKEN_MANAGED);
        registry.beforeNextWrite(() -> personWrites(theirs));

        invoke(enforcer, personSetsPolicy(earlier, editTime.minusSeconds(90), "earlier-edit"));
        assertFalse(sids().contains("TeamCIPush"), "the race: our write overwrote the person's statement " + sids());
        WriteMarker marker = WriteMarker.parse(tags().get(WriteMarker.TAG_KEY)).orElseThrow();
        assertEquals(editTime.minusSeconds(90).truncatedTo(ChronoUnit.SECONDS).toEpochMilli(), marker.basisFrom(),
                "derived from the earlier edit's policy, which the event identifies");

        JsonNode result = invoke(enforcer, personSetsPolicy(theirs, editTime, "lost-edit"));

        assertEquals("restored", result.get("action").asText(), result.toString());
        assertTrue(sids().containsAll(List.of("AuditRead", "TeamCIPush", "EcrSharePullAccounts", "EcrSharePullPrincipals",
                "EcrSharePullOrganizations")), "their statements back, managed statements standard: " + sids());
        JsonNode decision = lastDecision();
        assertEquals("recovered", decision.at("/lostUpdate/verdict").asText(), decision.toString());
        assertEquals(List.of("TeamCIPush"), JSON.convertValue(decision.at("/lostUpdate/missingStatements"), List.class));
        assertEquals("lost-edit", decision.at("/lostUpdate/editEvent").asText());
        assertEquals(PERSON, decision.at("/lostUpdate/editor").asText());
        assertEquals(1, output.metric("LostUpdateRecovered"));

        // Settled: the same event again (Lambda retries, EventBridge redelivers) changes nothing more.
        invoke(enforcer, personSetsPolicy(theirs, editTime, "lost-edit"));
        assertEquals("unchanged", lastDecision().get("action").asText());
        assertEquals(1, output.metric("LostUpdateRecovered"));
    }

    /**
     * Same race, but before the lost edit's event arrives a later edit removes TeamCIPush on purpose (and breaks a
     * managed statement, so the enforcer writes again). The late event must not bring TeamCIPush back.
     */
    @ParameterizedTest
    @ValueSource(strings = {"moto", "loopback"})
    void aStatementALaterEditRemovedIsNeverBroughtBackByALateEvent(String backend) throws Exception {
        String earlier = policy(AUDIT, BROKEN_MANAGED);
        start(backend, earlier);
        EnforceHandler enforcer = enforcer();
        Instant editTime = Instant.now();
        String lost = policy(AUDIT, TEAM_CI, BROKEN_MANAGED);
        registry.beforeNextWrite(() -> personWrites(lost));
        invoke(enforcer, personSetsPolicy(earlier, editTime.minusSeconds(90), "earlier-edit"));

        // A later edit (events arrive out of order: this one first) replaces the policy without TeamCIPush.
        String later = policy(NIGHTLY, BROKEN_MANAGED);
        personWrites(later);
        invoke(enforcer, personSetsPolicy(later, editTime.plusSeconds(30), "later-edit"));
        assertEquals(List.of("NightlyScan"), sids().stream().filter(s -> !s.startsWith("EcrShare")).toList());

        JsonNode result = invoke(enforcer, personSetsPolicy(lost, editTime, "lost-edit"));

        assertEquals("unchanged", result.get("action").asText(), result.toString());
        assertFalse(sids().contains("TeamCIPush"), "never resurrected: " + sids());
        assertFalse(sids().contains("AuditRead"), "the later edit's removal stands: " + sids());
        assertEquals("later_edit", lastDecision().at("/lostUpdate/verdict").asText(), lastDecision().toString());
        assertEquals(0, output.metric("LostUpdateRecovered"));
    }

    /**
     * The grant function writes a shared repository whose policy a person wrote (so nothing tells when it was
     * written); a person's edit lands within the same second. Nobody can tell whether we overwrote it: the
     * enforcer warns, names the statements, and changes nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"moto", "loopback"})
    void whenItCannotTellItWarnsAndChangesNothing(String backend) throws Exception {
        start(backend, policy(AUDIT));
        GrantHandler grant = new GrantHandler(TestConfig.components(TestConfig.env(), registry, output, "grant",
                new TestConfig.RecordingSleeper()));
        EnforceHandler enforcer = enforcer();
        String theirs = policy(AUDIT, TEAM_CI);
        registry.beforeNextWrite(() -> personWrites(theirs));
        Instant editTime = Instant.now();
        ObjectNode tagged = (ObjectNode) JSON.readTree(ProjectFiles.eventText("grant-tag-resource.json"));
        ((ObjectNode) tagged.at("/detail/requestParameters")).put("resourceArn",
                "arn:aws:ecr:us-east-1:123456789012:repository/" + REPO);
        invoke(grant, tagged);
        assertFalse(sids().contains("TeamCIPush"));

        JsonNode result = invoke(enforcer, personSetsPolicy(theirs, editTime, "same-second-edit"));

        assertEquals("unchanged", result.get("action").asText(), result.toString());
        assertFalse(sids().contains("TeamCIPush"), "not guessed back in: " + sids());
        JsonNode warning = output.lines().stream().filter(l -> l.path("message").asText().startsWith("possible lost update"))
                .findFirst().orElseThrow(() -> new AssertionError("no warning in " + output.text()));
        assertEquals("WARN", warning.path("level").asText());
        assertEquals(List.of("TeamCIPush"), JSON.convertValue(warning.at("/lostUpdate/missingStatements"), List.class));
        assertEquals(1, output.metric("LostUpdateUndecided"));
    }

    /** ECR rejects our write; meanwhile a person edits. The retry writes a decision made from a fresh read. */
    @ParameterizedTest
    @ValueSource(strings = {"loopback"})
    void aRetryAfterARejectedWriteReadsAndDecidesAgain(String backend) throws Exception {
        start(backend, policy(AUDIT, BROKEN_MANAGED));
        fake.principalNotFound(1);
        String theirs = policy(AUDIT, TEAM_CI, BROKEN_MANAGED);
        List<String> sidsWhenRetrying = new ArrayList<>();
        EnforceHandler enforcer = new EnforceHandler(TestConfig.components(TestConfig.env(), registry, output, "enforce",
                duration -> {
                    personWrites(theirs);   // the edit lands while we back off
                    sidsWhenRetrying.add(String.valueOf(duration));
                }));

        fake.resetCalls();
        invoke(enforcer, personSetsPolicy(policy(AUDIT, BROKEN_MANAGED), Instant.now().minusSeconds(60), "broken"));

        assertEquals(2, fake.calls("GetRepositoryPolicy"), "read again before the retry");
        assertEquals(2, fake.calls("ListTagsForResource"));
        assertEquals(3, fake.calls("SetRepositoryPolicy"), "the rejected write, the person's edit, the retry");
        assertEquals(1, sidsWhenRetrying.size(), "one backoff");
        assertTrue(sids().contains("TeamCIPush"), "the retry kept the edit made meanwhile: " + sids());
    }
}
