package io.ecrshare.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrshare.config.Consumers;
import io.ecrshare.config.ShareTag;
import io.ecrshare.share.Action;
import io.ecrshare.share.ShareDecider;
import io.ecrshare.share.Trigger;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property-style: over thousands of generated existing policies (seeded, so failures reproduce), the merge
 * preserves every foreign statement exactly and in order, leaves exactly the standard managed statements,
 * and is idempotent.
 */
class PolicyMergerPropertyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CASES = 3000;
    private static final String OWNER = "123456789012";
    private static final Consumers CONSUMERS = Consumers.parse("111111111111,222222222222",
            "arn:aws:iam::333333333333:role/puller-*", "o-a1b2c3d4e5", null);
    private static final ManagedStatements MANAGED = new ManagedStatements(CONSUMERS);
    private static final ShareTag TAG = new ShareTag("ecr-share", "true");

    private static final String[] ACTIONS = {"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
            "ecr:BatchCheckLayerAvailability", "ecr:PutImage", "ecr:*", "ecr:DescribeImages", "ecr:ListImages"};
    private static final String[] PRINCIPALS = {"arn:aws:iam::111111111111:root", "arn:aws:iam::999999999999:root",
            "arn:aws:iam::123456789012:role/deployer", "AROAEXAMPLEDELETEDROLE", "444444444444",
            "arn:aws:iam::333333333333:role/puller-ci", "*"};
    private static final String[] FOREIGN_SIDS = {"AllowCI", "LambdaPull", "ecrshare-lowercase-is-not-ours",
            "Share", "Deny-Delete", "", "EcrSharX", "EcrShareLegacy", "EcrShare", "EcrSharePullAccountsExtra",
            "EcrSharePullAccounts"};
    private static final String[] MANAGED_SIDS = ManagedStatements.MANAGED_SIDS.toArray(String[]::new);

    @Test
    void mergeModePreservesForeignStatementsKeepsExactlyTheStandardAndIsIdempotent() {
        PolicyMerger merger = new PolicyMerger(MANAGED, null);
        ShareDecider decider = new ShareDecider(TAG, merger);
        Random random = new Random(20261123L);
        for (int i = 0; i < CASES; i++) {
            Generated policy = generate(random);
            boolean shared = random.nextBoolean();
            String label = "case " + i + " shared=" + shared + " policy=" + policy.text;

            PolicyMerger.Merge merge = merger.merge(Optional.of(PolicyDocument.parse(policy.text)), shared);
            List<JsonNode> result = merge.desired().map(PolicyDocument::statements).orElse(List.of());

            List<JsonNode> foreignOut = result.stream().filter(s -> !ManagedStatements.isManaged(s)).toList();
            assertEquals(policy.foreign, foreignOut, "foreign statements kept exactly, in order: " + label);
            List<JsonNode> managedOut = result.stream().filter(ManagedStatements::isManaged).toList();
            assertEquals(shared ? MANAGED.standard() : List.of(), managedOut, "managed statements: " + label);
            assertEquals(policy.managed.size(), merge.previousManaged().size(), label);

            if (merge.desired().isPresent()) {
                String once = merge.desired().get().toJson();
                PolicyMerger.Merge again = merger.merge(Optional.of(PolicyDocument.parse(once)), shared);
                assertEquals(JSON.valueToTree(PolicyDocument.parse(once).statements()),
                        JSON.valueToTree(again.desired().orElseThrow().statements()), "idempotent: " + label);
                // ...and what ECR stores (re-formatted text) is recognised as already right: no second write.
                String stored = reformatLikeEcr(once);
                assertEquals(Action.UNCHANGED, decider.decide("repo", shared ? Map.of("ecr-share", "true") : Map.of(),
                        Optional.of(stored), Trigger.SWEEP).action(), "no write after a write: " + label);
            } else {
                assertTrue(!shared && policy.foreign.isEmpty(), "only an unshared policy with nothing foreign is deleted: " + label);
            }
        }
    }

    @Test
    void exclusiveModeRemovesExactlyTheStatementsGrantingOutsiders() {
        ForeignAccessReview review = new ForeignAccessReview(OWNER, CONSUMERS);
        PolicyMerger merger = new PolicyMerger(MANAGED, review);
        Random random = new Random(42L);
        int removedTotal = 0;
        for (int i = 0; i < CASES; i++) {
            Generated policy = generate(random);
            PolicyMerger.Merge merge = merger.merge(Optional.of(PolicyDocument.parse(policy.text)), true);
            List<JsonNode> kept = merge.desired().orElseThrow().statements().stream()
                    .filter(s -> !ManagedStatements.isManaged(s)).toList();
            List<JsonNode> expectedKept = new ArrayList<>();
            for (JsonNode s : policy.foreign) {
                if (review.outsiderAccess(s) == null) {
                    expectedKept.add(s);
                }
            }
            assertEquals(expectedKept, kept, "case " + i);
            merge.removed().forEach(r -> assertNotNull(r.reason()));
            removedTotal += merge.removed().size();
            // Unshared repositories are never subject to exclusive removal.
            PolicyMerger.Merge unshared = merger.merge(Optional.of(PolicyDocument.parse(policy.text)), false);
            assertTrue(unshared.removed().isEmpty());
        }
        assertTrue(removedTotal > CASES / 4, "the generator must exercise removals, removed " + removedTotal);
    }

    @Test
    void reviewVerdicts() {
        ForeignAccessReview review = new ForeignAccessReview(OWNER, CONSUMERS);
        assertNull(review.outsiderAccess(json("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/ci\"},\"Action\":\"ecr:*\"}")));
        assertNull(review.outsiderAccess(json("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"ecr:DeleteRepository\"}")));
        assertNull(review.outsiderAccess(json("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"ecr:BatchGetImage\"}")));
        assertNull(review.outsiderAccess(json("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecr:BatchGetImage\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-a1b2c3d4e5\"}}}")));
        assertNotNull(review.outsiderAccess(json("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecr:BatchGetImage\"}")));
        assertNotNull(review.outsiderAccess(json("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"ecr:BatchGetImage\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-zzzzzzzzzz\"}}}")));
        assertNotNull(review.outsiderAccess(json("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::111111111111:root\",\"arn:aws:iam::999999999999:root\"]},\"Action\":\"ecr:BatchGetImage\"}")));
        assertNotNull(review.outsiderAccess(json("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"AROAEXAMPLEDELETEDROLE\"},\"Action\":\"ecr:BatchGetImage\"}")));
        assertNotNull(review.outsiderAccess(json("{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::111111111111:root\"},\"Action\":\"ecr:BatchGetImage\"}")));
    }

    // ---- generator ---------------------------------------------------------------------------------------

    private record Generated(String text, List<JsonNode> foreign, List<JsonNode> managed) {
    }

    private static Generated generate(Random random) {
        List<JsonNode> foreign = new ArrayList<>();
        List<JsonNode> managed = new ArrayList<>();
        int foreignCount = random.nextInt(5);
        int managedCount = random.nextInt(3);
        for (int i = 0; i < foreignCount; i++) {
            String sid = pick(random, FOREIGN_SIDS);
            // A statement with one of our exact Sids is foreign only as a Deny (never ours to remove or rewrite).
            foreign.add(statement(random, sid, ManagedStatements.MANAGED_SIDS.contains(sid) ? "Deny" : null));
        }
        for (int i = 0; i < managedCount; i++) {
            managed.add(random.nextInt(4) == 0 ? MANAGED.standard().get(random.nextInt(MANAGED.standard().size()))
                    : statement(random, pick(random, MANAGED_SIDS), "Allow"));
        }
        // Interleave managed statements among the foreign ones at random positions; foreign order is kept.
        List<JsonNode> all = new ArrayList<>(foreign);
        for (JsonNode m : managed) {
            all.add(random.nextInt(all.size() + 1), m);
        }
        ObjectNode root = JSON.createObjectNode();
        if (random.nextInt(5) == 0) {
            root.put("Id", "policy-" + random.nextInt(100));
        }
        root.put("Version", random.nextBoolean() ? "2012-10-17" : "2008-10-17");
        if (all.size() == 1 && random.nextBoolean()) {
            root.set("Statement", all.get(0));
        } else {
            ArrayNode array = root.putArray("Statement");
            all.forEach(array::add);
        }
        String text = random.nextBoolean() ? root.toString() : root.toPrettyString();
        return new Generated(text, foreign, managed);
    }

    /** @param effect the Effect to use, or null for a random one (mostly Allow) */
    private static JsonNode statement(Random random, String sid, String effect) {
        ObjectNode s = JSON.createObjectNode();
        List<Runnable> fields = new ArrayList<>();
        if (!sid.isEmpty()) {
            fields.add(() -> s.put("Sid", sid));
        }
        fields.add(() -> s.put("Effect", effect != null ? effect : random.nextInt(5) == 0 ? "Deny" : "Allow"));
        fields.add(() -> {
            int kind = random.nextInt(4);
            if (kind == 0) {
                s.put("Principal", "*");
            } else if (kind == 1) {
                s.putObject("Principal").put("Service", "lambda.amazonaws.com");
            } else if (kind == 2) {
                s.putObject("Principal").put("AWS", pick(random, PRINCIPALS));
            } else {
                ArrayNode list = s.putObject("Principal").putArray("AWS");
                for (int i = 0; i <= random.nextInt(3); i++) {
                    list.add(pick(random, PRINCIPALS));
                }
            }
        });
        fields.add(() -> {
            if (random.nextBoolean()) {
                s.put("Action", pick(random, ACTIONS));
            } else {
                ArrayNode list = s.putArray("Action");
                for (int i = 0; i <= random.nextInt(4); i++) {
                    list.add(pick(random, ACTIONS));
                }
            }
        });
        if (random.nextInt(3) == 0) {
            fields.add(() -> s.putObject("Condition").putObject("StringEquals")
                    .put("aws:PrincipalOrgID", random.nextBoolean() ? "o-a1b2c3d4e5" : "o-otherorg00"));
        }
        Collections.shuffle(fields, random);
        fields.forEach(Runnable::run);
        return s;
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** ECR stores policies re-formatted; pretty printing with reordered top-level keys stands in for that. */
    private static String reformatLikeEcr(String text) {
        ObjectNode original = (ObjectNode) json(text);
        ObjectNode reordered = JSON.createObjectNode();
        reordered.set("Statement", original.get("Statement"));
        original.fields().forEachRemaining(f -> reordered.set(f.getKey(), f.getValue()));
        return reordered.toPrettyString();
    }
}
