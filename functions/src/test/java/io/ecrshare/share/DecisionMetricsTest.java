package io.ecrshare.share;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecrshare.event.CloudTrailEvent;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.EmfDirective;
import io.ecrshare.testsupport.InMemoryRegistry;
import io.ecrshare.testsupport.ProjectFiles;
import io.ecrshare.testsupport.TestConfig;
import io.ecrshare.wiring.SharingComponents;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Every metric the policy functions emit carries a valid embedded-metric-format directive, and the names are
 * exactly the ones README lists: a typo would silently drop the metric in CloudWatch.
 */
class DecisionMetricsTest {

    @Test
    void everyDecisionMetricIsDeclaredInAValidDirective() {
        CapturedOutput output = new CapturedOutput();
        InMemoryRegistry registry = new InMemoryRegistry().repository("platform/base-image", Map.of("ecr-share", "true"));
        SharingComponents components = TestConfig.components(TestConfig.env(), registry, output, "enforce",
                new TestConfig.RecordingSleeper());
        components.grantProcessor().process(event("grant-create-repository-tagged.json"));         // Granted
        components.grantProcessor().process(event("grant-create-repository-tagged.json"));         // Unchanged
        components.enforcementProcessor().process(event("enforce-set-repository-policy-own-role.json")); // Skipped
        registry.policy("platform/base-image", "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
        components.enforcementProcessor().process(event("enforce-set-repository-policy-by-person.json")); // DriftCorrected
        registry.repository("platform/base-image", Map.of());
        components.grantProcessor().process(event("grant-untag-resource.json"));                   // Revoked
        registry.failing("platform/base-image", new IllegalStateException("down"));
        assertThrows(IllegalStateException.class,
                () -> components.grantProcessor().process(event("grant-create-repository-tagged.json"))); // Errors

        Set<String> names = new TreeSet<>();
        for (JsonNode line : output.metricLines()) {
            names.addAll(EmfDirective.check(line));
        }
        assertEquals(new TreeSet<>(Set.of("Granted", "DriftCorrected", "Revoked", "Unchanged", "Skipped",
                "PoliciesWritten", "Errors")), names, "README's list of metrics");
    }

    private static CloudTrailEvent event(String file) {
        return CloudTrailEvent.parse(ProjectFiles.eventStream(file));
    }
}
