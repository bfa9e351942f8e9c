package io.ecrshare.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.enforce.EnforceHandler;
import io.ecrshare.grant.GrantHandler;
import io.ecrshare.reconcile.ReconcileHandler;
import io.ecrshare.share.Action;
import io.ecrshare.share.Decision;
import io.ecrshare.share.DecisionRecorder;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.CloudFormationTemplate;
import io.ecrshare.tokenapi.TokenHandler;
import io.ecrshare.wiring.TokenComponents;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.ecrshare.testsupport.CloudFormationTemplate.at;
import static io.ecrshare.token.Invocations.event;
import static io.ecrshare.token.Invocations.invoke;
import static io.ecrshare.token.Invocations.withIdentity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in template.yaml shows only metrics that exist: every EcrShare metric it names (namespace,
 * name, Function dimension) is one the code emits on a real path, and every AWS metric's dimension names a
 * resource of this stack. (Lives beside the token tests to drive the token endpoint with its fakes.)
 */
class DashboardMetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** "namespace|metric|Function=value" for every metric in the embedded-metric-format lines. */
    private static Set<String> emitted(CapturedOutput output) {
        Set<String> metrics = new TreeSet<>();
        for (JsonNode line : output.lines()) {
            JsonNode directive = line.at("/_aws/CloudWatchMetrics/0");
            if (directive.isMissingNode()) {
                continue;
            }
            StringBuilder dims = new StringBuilder();
            directive.path("Dimensions").path(0).forEach(d -> dims.append(d.asText()).append('=').append(line.path(d.asText()).asText()));
            directive.path("Metrics").forEach(m -> metrics.add(directive.path("Namespace").asText() + "|" + m.path("Name").asText() + "|" + dims));
        }
        return metrics;
    }

    private static Set<String> sharingMetrics() {
        Set<String> all = new TreeSet<>();
        for (String function : List.of(GrantHandler.FUNCTION, EnforceHandler.FUNCTION, ReconcileHandler.FUNCTION)) {
            CapturedOutput output = new CapturedOutput();
            DecisionRecorder recorder = new DecisionRecorder(output.log(function), output.metrics(function));
            for (Action action : Action.values()) {
                recorder.record(new Decision("r", action, "test", Decision.Write.NONE, java.util.Optional.empty(),
                        java.util.Optional.empty(), List.of(), List.of(), List.of(), java.util.Optional.empty()), Map.of(), false);
            }
            recorder.failure("r", Map.of(), new IllegalStateException("test"));
            recorder.correction();
            recorder.flush();
            all.addAll(emitted(output));
        }
        return all;
    }

    private static Set<String> tokenMetrics() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
        CapturedOutput output = new CapturedOutput();
        try (FakeStsEcr fake = new FakeStsEcr(clock)) {
            TokenHandler handler = new TokenHandler(TokenComponents.create(io.ecrshare.config.FunctionConfig.fromEnvironment(Invocations.env()), fake.clients(1), clock,
                    output.log(TokenComponents.FUNCTION), output.metrics(TokenComponents.FUNCTION), TokenCache.DEFAULT_MAX_ENTRIES));
            List<Integer> statuses = new ArrayList<>();
            statuses.add(invoke(handler, event("token-consumer-role.json")).status());
            statuses.add(invoke(handler, event("token-consumer-role.json")).status());
            statuses.add(invoke(handler, event("token-unknown-caller.json")).status());
            statuses.add(invoke(handler, event("token-malformed.json")).status());
            fake.fail("ECR", 400, "ThrottlingException", 1);
            statuses.add(invoke(handler, withIdentity(event("token-consumer-role.json"), "111111111111",
                    "arn:aws:sts::111111111111:assumed-role/fleet/a", null)).status());
            fake.fail("ECR", 500, "ServerException", 1);
            statuses.add(invoke(handler, withIdentity(event("token-consumer-role.json"), "111111111111",
                    "arn:aws:sts::111111111111:assumed-role/fleet/b", null)).status());
            assertEquals(List.of(200, 200, 403, 400, 429, 502), statuses);
        }
        return emitted(output);
    }

    @Test
    void everyMetricOnTheDashboardIsOneTheFunctionsEmitOrOneOfThisStacksResources() throws Exception {
        CloudFormationTemplate template = CloudFormationTemplate.load();
        String body = (String) at(template.properties("Dashboard"), "DashboardBody", "Fn::Sub");
        JsonNode dashboard = JSON.readTree(body);
        Set<String> emitted = new TreeSet<>(sharingMetrics());
        emitted.addAll(tokenMetrics());
        Set<String> resources = template.resources().keySet();
        String apiName = (String) at(template.properties("TokenApi"), "Name", "Fn::Sub");
        Set<String> deadLetterQueues = new TreeSet<>();
        java.util.regex.Matcher declared = java.util.regex.Pattern.compile("QueueLogicalId: (\\w+)")
                .matcher(java.nio.file.Files.readString(io.ecrshare.testsupport.ProjectFiles.root().resolve("template.yaml")));
        while (declared.find()) {
            deadLetterQueues.add(declared.group(1));
        }

        int checked = 0;
        for (JsonNode widget : dashboard.get("widgets")) {
            for (JsonNode metric : widget.at("/properties/metrics")) {
                List<String> parts = new ArrayList<>();
                metric.forEach(p -> {
                    if (p.isTextual()) {
                        parts.add(p.asText());
                    }
                });
                String namespace = parts.get(0);
                String name = parts.get(1);
                if (namespace.equals("EcrShare")) {
                    String key = namespace + "|" + name + "|" + parts.get(2) + "=" + parts.get(3);
                    assertTrue(emitted.contains(key), key + " is not emitted; the code emits " + emitted);
                } else {
                    String dimension = parts.get(2);
                    String value = parts.get(3);
                    switch (dimension) {
                        case "FunctionName" -> assertTrue(resources.contains(value.replaceAll("^\\$\\{|}$", "")), value);
                        // Delivery dead-letter queues are generated by SAM from the rules' QueueLogicalId.
                        case "QueueName" -> {
                            String queue = value.replaceAll("^\\$\\{|\\.QueueName}$", "");
                            assertTrue(resources.contains(queue) || deadLetterQueues.contains(queue), value);
                        }
                        case "ApiName" -> assertEquals(apiName, value);
                        default -> throw new AssertionError("unexpected dimension " + dimension + " in " + metric);
                    }
                }
                checked++;
            }
            if (widget.path("type").asText().equals("log")) {
                String query = widget.at("/properties/query").asText();
                assertTrue(query.contains("/aws/lambda/${AWS::StackName}/enforce"), query);
                assertTrue(query.contains("message = \"decision\""), "the decision log lines' message");
            }
        }
        assertTrue(checked > 20, "the dashboard has its metric widgets");
        assertFalse(emitted.isEmpty());
    }
}
