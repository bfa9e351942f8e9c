package io.ecrshare.share;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecrshare.event.CloudTrailEvent;
import io.ecrshare.event.MalformedEventException;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.InMemoryRegistry;
import io.ecrshare.testsupport.ProjectFiles;
import io.ecrshare.testsupport.TestConfig;
import io.ecrshare.wiring.SharingComponents;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The grant and enforce pipeline's rules on the in-memory registry: own events skipped before any call, how a
 * write is labelled and who hears of it, failures recorded once. The ECR adapter is tested elsewhere (moto, FakeEcr).
 */
class EventProcessorTest {

    private static final String REPO = "platform/base-image";
    private static final String FOREIGN = "{\"Sid\":\"TeamPush\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/ci\"},\"Action\":\"ecr:PutImage\"}";

    private final CapturedOutput output = new CapturedOutput();
    private final InMemoryRegistry registry = new InMemoryRegistry();
    private final List<Decision> notified = new ArrayList<>();
    private final SharingComponents components = TestConfig.components(TestConfig.env(), registry, output, "enforce",
            new TestConfig.RecordingSleeper(), (decision, cause) -> notified.add(decision));

    private static CloudTrailEvent event(String file) {
        return CloudTrailEvent.parse(ProjectFiles.eventStream(file));
    }

    @Test
    void ourOwnWriteIsSkippedBeforeAnyCall() {
        registry.repository(REPO, Map.of("ecr-share", "true"));
        Decision d = components.enforcementProcessor().process(event("enforce-set-repository-policy-own-role.json"));
        assertEquals(Action.SKIPPED, d.action());
        assertEquals(List.of(), registry.calls);
        assertEquals(1, output.metric("Skipped"));
    }

    @Test
    void enforcementPuttingTheStatementsBackIsARestorationAndPeopleHearOfIt() {
        registry.repository(REPO, Map.of("ecr-share", "true")).policy(REPO, "{\"Version\":\"2012-10-17\",\"Statement\":[" + FOREIGN + "]}");
        Decision d = components.enforcementProcessor().process(event("enforce-set-repository-policy-by-person.json"));
        assertEquals(Action.RESTORED, d.action());
        assertTrue(d.reason().endsWith("after the policy was changed"), d.reason());
        assertEquals(List.of(d), notified);
        assertEquals(1, output.metric("DriftCorrected"));
        assertEquals(0, output.metric("Granted"));
        assertTrue(registry.storedPolicy(REPO).orElseThrow().contains("TeamPush"), "the person's statement is kept");
    }

    @Test
    void theSameWriteFromAGrantEventIsAGrantAndNobodyIsNotified() {
        registry.repository(REPO, Map.of("ecr-share", "true"));
        Decision d = components.grantProcessor().process(event("grant-create-repository-tagged.json"));
        assertEquals(Action.GRANTED, d.action());
        assertEquals(List.of(), notified);
        assertEquals(1, output.metric("Granted"));
        assertEquals(0, output.metric("DriftCorrected"));
    }

    @Test
    void anEnforcementRevokeCountsAsACorrection() {
        // Someone copies the standard statements onto an unshared repository by hand.
        registry.repository(REPO, Map.of("ecr-share", "true"));
        components.grantProcessor().process(event("grant-create-repository-tagged.json"));
        registry.repository(REPO, Map.of());
        notified.clear();
        Decision d = components.enforcementProcessor().process(event("enforce-set-repository-policy-by-person.json"));
        assertEquals(Action.REVOKED, d.action());
        assertEquals(List.of(d), notified);
        assertEquals(1, output.metric("Revoked"));
        assertEquals(1, output.metric("DriftCorrected"));
    }

    @Test
    void aCompliantPolicyCostsTwoReadsAndNoWriteOrNotice() {
        registry.repository(REPO, Map.of("ecr-share", "true"));
        components.grantProcessor().process(event("grant-create-repository-tagged.json"));
        registry.calls.clear();
        Decision d = components.enforcementProcessor().process(event("enforce-set-repository-policy-by-person.json"));
        assertEquals(Action.UNCHANGED, d.action());
        assertEquals(List.of("ListTagsForResource " + REPO, "GetRepositoryPolicy " + REPO), registry.calls);
        assertEquals(List.of(), notified);
    }

    @Test
    void aFailureIsRecordedOnceAndRethrown() {
        registry.repository(REPO, Map.of("ecr-share", "true")).failing(REPO, new IllegalStateException("ECR is down"));
        assertThrows(IllegalStateException.class,
                () -> components.enforcementProcessor().process(event("enforce-set-repository-policy-by-person.json")));
        List<JsonNode> failed = output.decisions().stream().filter(l -> "failed".equals(l.path("action").asText())).toList();
        assertEquals(1, failed.size());
        assertEquals(REPO, failed.get(0).path("repository").asText());
        assertEquals(1, output.metric("Errors"));
    }

    @Test
    void aMalformedEventIsRecordedAndRethrownWithNoCall() {
        assertThrows(MalformedEventException.class, () -> components.grantProcessor()
                .process(new ByteArrayInputStream("{\"detail\":{}}".getBytes(StandardCharsets.UTF_8))));
        assertEquals(List.of(), registry.calls);
        assertEquals(1, output.metric("Errors"));
    }
}
