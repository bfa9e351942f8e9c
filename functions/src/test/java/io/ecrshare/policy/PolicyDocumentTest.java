package io.ecrshare.policy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyDocumentTest {

    private static final String COMPACT = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":[\"arn:aws:iam::111111111111:root\"]},\"Action\":[\"ecr:BatchGetImage\",\"ecr:GetDownloadUrlForLayer\"]},"
            + "{\"Sid\":\"B\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"ecr:DeleteRepository\"}]}";

    @Test
    void reformattedReorderedAndSingletonFormsAreEquivalent() {
        String ecrStyle = """
                {
                  "Statement" : [ {
                    "Action" : "ecr:DeleteRepository",
                    "Principal" : "*",
                    "Effect" : "Deny",
                    "Sid" : "B"
                  }, {
                    "Sid" : "A",
                    "Effect" : "Allow",
                    "Principal" : { "AWS" : "arn:aws:iam::111111111111:root" },
                    "Action" : [ "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage" ]
                  } ],
                  "Version" : "2012-10-17"
                }""";
        assertTrue(PolicyDocument.parse(COMPACT).isEquivalentTo(PolicyDocument.parse(ecrStyle)));
    }

    @Test
    void realDifferencesAreNotEquivalent() {
        String extraAction = COMPACT.replace("\"ecr:GetDownloadUrlForLayer\"]", "\"ecr:GetDownloadUrlForLayer\",\"ecr:PutImage\"]");
        String otherVersion = COMPACT.replace("2012-10-17", "2008-10-17");
        String otherSid = COMPACT.replace("\"Sid\":\"B\"", "\"Sid\":\"C\"");
        for (String different : new String[]{extraAction, otherVersion, otherSid}) {
            assertFalse(PolicyDocument.parse(COMPACT).isEquivalentTo(PolicyDocument.parse(different)), different);
        }
    }

    @Test
    void singleStatementObjectReadsAsListOfOne() {
        PolicyDocument doc = PolicyDocument.parse("{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"A\",\"Effect\":\"Allow\"}}");
        assertEquals(1, doc.statements().size());
        assertEquals("A", doc.statements().get(0).get("Sid").asText());
    }

    @Test
    void brokenTextIsAClearError() {
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class, () -> PolicyDocument.parse("{not json"));
        assertTrue(e.getMessage().contains("not valid JSON"));
        assertThrows(InvalidPolicyException.class, () -> PolicyDocument.parse("[]"));
        assertThrows(InvalidPolicyException.class, () -> PolicyDocument.parse("{\"Statement\":\"x\"}"));
    }
}
