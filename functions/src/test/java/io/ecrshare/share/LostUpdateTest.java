package io.ecrshare.share;

import io.ecrshare.policy.PolicyDocument;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lost-update verdicts of {@link LostUpdate#check}, one per row of the rule, and the marker's format. */
class LostUpdateTest {

    private static final String S = "{\"Sid\":\"TeamCI\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/ci\"},\"Action\":\"ecr:*\"}";
    private static final String MANAGED = "{\"Sid\":\"EcrSharePullAccounts\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::111111111111:root\"]},"
            + "\"Action\":[\"ecr:BatchGetImage\"]}";
    private static final long EDIT = 1_764_600_000_000L;   // a whole second

    private static Optional<PolicyDocument> doc(String... statements) {
        return Optional.of(PolicyDocument.parse("{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}"));
    }

    private static final PolicyEdit ADDS_S = new PolicyEdit("person", "e1", EDIT, doc(S, MANAGED).orElseThrow());
    private static final Optional<PolicyDocument> OURS = doc(MANAGED);

    private static WriteMarker marker(long from, long to, long written, Optional<PolicyDocument> wrote) {
        return new WriteMarker(from, to, written, WriteMarker.digest(wrote));
    }

    private static LostUpdate.Verdict verdict(Optional<WriteMarker> marker) {
        return LostUpdate.check(ADDS_S, OURS, marker).orElseThrow().verdict();
    }

    @Test
    void verdicts() {
        assertTrue(LostUpdate.check(ADDS_S, doc(MANAGED.replace("BatchGetImage", "PutImage"), S), Optional.empty()).isEmpty(),
                "only foreign statements count: nothing lost");
        assertEquals(LostUpdate.Verdict.UNDECIDABLE, verdict(Optional.empty()), "no marker");
        assertEquals(LostUpdate.Verdict.LATER_EDIT, verdict(Optional.of(marker(0, EDIT - 1, EDIT + 50, doc(S)))),
                "current policy is not what we wrote");
        assertEquals(LostUpdate.Verdict.RECOVERED, verdict(Optional.of(marker(EDIT - 9000, EDIT - 8001, EDIT + 50, OURS))),
                "our write, derived from a policy of an earlier second");
        assertEquals(LostUpdate.Verdict.UNDECIDABLE, verdict(Optional.of(marker(0, EDIT + 10, EDIT + 50, OURS))),
                "derived from a read within the edit's second");
        assertEquals(LostUpdate.Verdict.LATER_EDIT, verdict(Optional.of(marker(EDIT + 1000, EDIT + 1999, EDIT + 2500, OURS))),
                "derived from a policy of a later second");
        assertEquals(LostUpdate.Verdict.LATER_EDIT, verdict(Optional.of(marker(0, EDIT - 5000, EDIT - 3000, OURS))),
                "the edit came after our write: our text was written back on purpose");
    }

    @Test
    void theMarkerFitsAnEcrTagValueAndReadsBack() {
        WriteMarker marker = new WriteMarker(0, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, WriteMarker.digest(OURS));
        assertTrue(marker.format().length() <= 256, marker.format());
        assertTrue(marker.format().matches("[A-Za-z0-9 _.:/=+\\-@]+"), "ECR tag value characters only: " + marker.format());
        assertEquals(Optional.of(marker), WriteMarker.parse(marker.format()));
        assertEquals(Optional.empty(), WriteMarker.parse("2:1:2:3:x"));
        assertEquals(Optional.empty(), WriteMarker.parse("garbage"));
        assertEquals(WriteMarker.digest(OURS), WriteMarker.digest(Optional.of(PolicyDocument.parse(OURS.get().asJson().toPrettyString()))),
                "re-formatted text, same digest");
        assertEquals("none", WriteMarker.digest(Optional.empty()));
    }
}
