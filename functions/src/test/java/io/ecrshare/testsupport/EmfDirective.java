package io.ecrshare.testsupport;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks a log line against the CloudWatch embedded metric format specification
 * (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * a root {@code _aws} with an integer millisecond {@code Timestamp} and {@code CloudWatchMetrics} directives, each with
 * a Namespace, Dimensions as arrays of top-level member names, and Metrics whose names are top-level numeric
 * members. A line that breaks it is silently dropped by CloudWatch, so a typo here would lose every metric.
 */
public final class EmfDirective {

    public static final String NAMESPACE = "EcrShare";

    private EmfDirective() {
    }

    /** @return the metric names the line declares, after checking the line is valid EMF of this project */
    public static Set<String> check(JsonNode line) {
        JsonNode aws = line.path("_aws");
        assertTrue(aws.path("Timestamp").isIntegralNumber(), "_aws.Timestamp must be epoch milliseconds: " + line);
        JsonNode directives = aws.path("CloudWatchMetrics");
        assertTrue(directives.isArray() && directives.size() == 1, "one CloudWatchMetrics directive: " + line);
        JsonNode directive = directives.get(0);
        assertEquals(NAMESPACE, directive.path("Namespace").asText(), "namespace: " + line);
        JsonNode dimensions = directive.path("Dimensions");
        assertTrue(dimensions.isArray() && dimensions.size() == 1 && dimensions.get(0).isArray(),
                "Dimensions is an array of dimension sets: " + line);
        assertEquals("[\"Function\"]", dimensions.get(0).toString(), "dimension set: " + line);
        assertTrue(line.path("Function").isTextual() && !line.path("Function").asText().isBlank(),
                "the Function dimension is a top-level string: " + line);
        Set<String> declared = new TreeSet<>();
        for (JsonNode metric : directive.path("Metrics")) {
            String name = metric.path("Name").asText();
            assertTrue(line.path(name).isNumber(), "metric " + name + " has a numeric top-level value: " + line);
            assertEquals("Count", metric.path("Unit").asText(), "unit of " + name);
            declared.add(name);
        }
        assertTrue(!declared.isEmpty(), "at least one metric: " + line);
        Set<String> values = new TreeSet<>();
        line.fieldNames().forEachRemaining(f -> {
            if (!f.equals("_aws") && !f.equals("Function")) {
                values.add(f);
            }
        });
        assertEquals(declared, values, "every value is declared and every declaration has a value: " + line);
        return declared;
    }
}
