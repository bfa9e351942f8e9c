package io.ecrshare.share;

import io.ecrshare.config.Consumers;
import io.ecrshare.config.ShareTag;
import io.ecrshare.policy.ManagedStatements;
import io.ecrshare.policy.PolicyDocument;
import io.ecrshare.policy.PolicyMerger;
import io.ecrshare.policy.PolicyTooLargeException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShareDeciderTest {

    private static final Map<String, String> TAGGED = Map.of("ecr-share", "true");
    private static final String FOREIGN = "{\"Sid\":\"TeamCI\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/ci\"},\"Action\":\"ecr:*\"}";

    private final ManagedStatements managed = new ManagedStatements(Consumers.parse("111111111111", null, null, null));
    private final ShareDecider decider = new ShareDecider(new ShareTag("ecr-share", "true"), new PolicyMerger(managed, null));

    private static String policy(String... statements) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
    }

    private String standard() {
        return managed.standard().get(0).toString();
    }

    @Test
    void taggedWithoutPolicyIsGranted() {
        Decision d = decider.decide("r", TAGGED, Optional.empty(), Trigger.SWEEP);
        assertEquals(Action.GRANTED, d.action());
        assertEquals(Decision.Write.SET, d.write());
        assertTrue(d.after().orElseThrow().isEquivalentTo(PolicyDocument.parse(policy(standard()))));
    }

    @Test
    void taggedWithForeignStatementKeepsItFirst() {
        Decision d = decider.decide("r", TAGGED, Optional.of(policy(FOREIGN)), Trigger.SWEEP);
        assertEquals(Action.GRANTED, d.action());
        assertEquals("TeamCI", d.after().orElseThrow().statements().get(0).get("Sid").asText());
    }

    @Test
    void compliantIsUnchangedWithNoWrite() {
        Decision d = decider.decide("r", TAGGED, Optional.of(policy(FOREIGN, standard())), Trigger.SWEEP);
        assertEquals(Action.UNCHANGED, d.action());
        assertEquals(Decision.Write.NONE, d.write());
    }

    @Test
    void tamperedManagedStatementIsRestored() {
        String widened = standard().replace("\"ecr:BatchGetImage\"", "\"ecr:BatchGetImage\",\"ecr:PutImage\"");
        Decision d = decider.decide("r", TAGGED, Optional.of(policy(widened, FOREIGN)), Trigger.SWEEP);
        assertEquals(Action.RESTORED, d.action());
        assertTrue(d.after().orElseThrow().isEquivalentTo(PolicyDocument.parse(policy(FOREIGN, standard()))));
    }

    @Test
    void managedStatementWithAStaleUniqueIdOrAWidenedPrincipalIsRestored() {
        String staleId = standard().replace("arn:aws:iam::111111111111:root", "AROAEXAMPLEDELETEDROLE1");
        String widened = standard().replace("{\"AWS\":[\"arn:aws:iam::111111111111:root\"]}", "\"*\"");
        for (String tampered : new String[]{staleId, widened}) {
            Decision d = decider.decide("r", TAGGED, Optional.of(policy(FOREIGN, tampered)), Trigger.SWEEP);
            assertEquals(Action.RESTORED, d.action(), tampered);
            assertEquals(java.util.List.of("EcrSharePullAccounts"), d.restoredSids());
            assertTrue(d.after().orElseThrow().isEquivalentTo(PolicyDocument.parse(policy(FOREIGN, standard()))));
        }
    }

    @Test
    void untaggedLosesOnlyManagedStatementsAndPolicyIsDeletedWhenNothingRemains() {
        Decision keep = decider.decide("r", Map.of(), Optional.of(policy(FOREIGN, standard())), Trigger.SWEEP);
        assertEquals(Action.REVOKED, keep.action());
        assertEquals(Decision.Write.SET, keep.write());
        assertTrue(keep.after().orElseThrow().isEquivalentTo(PolicyDocument.parse(policy(FOREIGN))));

        Decision delete = decider.decide("r", Map.of("ecr-share", "false"), Optional.of(policy(standard())), Trigger.SWEEP);
        assertEquals(Action.REVOKED, delete.action());
        assertEquals(Decision.Write.DELETE, delete.write());
    }

    @Test
    void untaggedWithoutManagedStatementsIsNeverTouched() {
        assertEquals(Action.UNCHANGED, decider.decide("r", Map.of(), Optional.empty(), Trigger.SWEEP).action());
        assertEquals(Action.UNCHANGED, decider.decide("r", Map.of(), Optional.of(policy(FOREIGN)), Trigger.SWEEP).action());
        assertEquals(Action.UNCHANGED, decider.decide("r", Map.of(), Optional.of(policy()), Trigger.SWEEP).action());
    }

    @Test
    void desiredPolicyOverTheLimitIsRefusedNamingRepositoryAndSize() {
        String big = IntStream.range(0, 75).mapToObj(i -> FOREIGN.replace("TeamCI", "TeamCI" + i)
                .replace("role/ci", "role/ci-with-a-rather-long-name-" + i)).collect(Collectors.joining(","));
        PolicyTooLargeException e = assertThrows(PolicyTooLargeException.class,
                () -> decider.decide("platform/huge", TAGGED, Optional.of(policy(big)), Trigger.SWEEP));
        assertTrue(e.getMessage().contains("platform/huge"), e.getMessage());
        assertTrue(e.size() > PolicyDocument.MAX_LENGTH);
        assertTrue(e.getMessage().contains(String.valueOf(e.size())));
    }

    // ---- never widen (issue 9 item 5) ----

    @Test
    void aDenyIsNeverRemovedOrRewrittenWhateverItsSid() {
        for (String sid : new String[]{"EcrSharePullAccounts", "EcrShareLockdown", "EcrShare"}) {
            String deny = "{\"Sid\":\"" + sid + "\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"ecr:*\","
                    + "\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}";
            Decision shared = decider.decide("r", TAGGED, Optional.of(policy(deny, standard())), Trigger.SWEEP);
            assertEquals(Action.UNCHANGED, shared.action(), sid);
            assertTrue(shared.reason().contains(sid), shared.reason());
            assertEquals(1, shared.lookalikes().size());

            Decision unshared = decider.decide("r", Map.of(), Optional.of(policy(deny, standard())), Trigger.SWEEP);
            assertEquals(Action.REVOKED, unshared.action(), sid);
            assertTrue(unshared.after().orElseThrow().isEquivalentTo(PolicyDocument.parse(policy(deny))),
                    "only our Allow goes, the Deny stays exactly: " + unshared.after());

            Decision onlyDeny = decider.decide("r", Map.of(), Optional.of(policy(deny)), Trigger.SWEEP);
            assertEquals(Action.UNCHANGED, onlyDeny.action(), "a lone Deny with our prefix is not ours to delete");
        }
    }

    @Test
    void aForeignAllowWhoseSidCollidesWithThePrefixIsKeptAndReported() {
        String lookalike = "{\"Sid\":\"EcrShareTeamCI\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/ci\"},"
                + "\"Action\":\"ecr:*\"}";
        Decision d = decider.decide("r", TAGGED, Optional.of(policy(lookalike)), Trigger.SWEEP);
        assertEquals(Action.GRANTED, d.action());
        assertTrue(d.after().orElseThrow().isEquivalentTo(PolicyDocument.parse(policy(lookalike, standard()))));
        assertTrue(d.reason().contains("EcrShareTeamCI"), d.reason());
        assertEquals("EcrShareTeamCI", d.lookalikes().get(0).path("Sid").asText());
    }
}
