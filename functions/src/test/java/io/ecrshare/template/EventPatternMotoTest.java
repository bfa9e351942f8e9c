package io.ecrshare.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.event.EventRule;
import io.ecrshare.testsupport.CloudFormationTemplate;
import io.ecrshare.testsupport.MotoServer;
import io.ecrshare.testsupport.ProjectFiles;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The EventBridge rules in template.yaml, loaded into moto's EventBridge with an SQS target each: moto
 * delivers a put event to a target only when the rule's pattern matches, which proves each rule matches the
 * sample events it should, and not a failed call or another function's events.
 */
class EventPatternMotoTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Which function's rule must receive each sample event; every file in events/ that is a CloudTrail event.
     * Our own write still reaches the enforcer (the function skips it by role: see EnforceHandlerMotoTest).
     */
    private static final Map<String, Set<String>> EXPECTED = Map.ofEntries(
            Map.entry("grant-create-repository-tagged.json", Set.of("GrantFunction")),
            Map.entry("grant-create-repository-untagged.json", Set.of("GrantFunction")),
            Map.entry("grant-tag-resource.json", Set.of("GrantFunction")),
            Map.entry("grant-untag-resource.json", Set.of("GrantFunction")),
            Map.entry("grant-create-repository-pull-through-cache.json", Set.of("GrantFunction")),
            Map.entry("grant-create-repository-replica.json", Set.of("GrantFunction")),
            Map.entry("grant-create-repository-failed.json", Set.of()),
            Map.entry("enforce-set-repository-policy-by-person.json", Set.of("EnforceFunction")),
            Map.entry("enforce-delete-repository-policy.json", Set.of("EnforceFunction")),
            Map.entry("enforce-set-repository-policy-own-role.json", Set.of("EnforceFunction")),
            Map.entry("enforce-set-repository-policy-public.json", Set.of("EnforceFunction")),
            Map.entry("enforce-set-repository-policy-failed.json", Set.of()));

    @Test
    void rulesMatchExactlyTheEventsTheyShould() throws IOException {
        MotoServer moto = MotoServer.shared();
        moto.reset();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        try (EventBridgeClient events = EventBridgeClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                .endpointOverride(URI.create(moto.endpoint())).httpClient(UrlConnectionHttpClient.create()).build();
             SqsClient sqs = SqsClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                     .endpointOverride(URI.create(moto.endpoint())).httpClient(UrlConnectionHttpClient.create()).build()) {

            CloudFormationTemplate template = CloudFormationTemplate.load();
            Map<String, String> queues = new LinkedHashMap<>();
            for (String function : template.ofType("AWS::Serverless::Function")) {
                Object eventsNode = template.properties(function).get("Events");
                if (!(eventsNode instanceof Map<?, ?> eventMap)) {
                    continue;
                }
                for (Map.Entry<?, ?> entry : eventMap.entrySet()) {
                    if (!"EventBridgeRule".equals(CloudFormationTemplate.at(entry.getValue(), "Type"))) {
                        continue;
                    }
                    String name = function + "-" + entry.getKey();
                    String pattern = JSON.writeValueAsString(CloudFormationTemplate.at(entry.getValue(), "Properties", "Pattern"));
                    String queueUrl = sqs.createQueue(r -> r.queueName(name)).queueUrl();
                    String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                            .attributes().get(QueueAttributeName.QUEUE_ARN);
                    events.putRule(r -> r.name(name).eventPattern(pattern));
                    events.putTargets(r -> r.rule(name).targets(t -> t.id("queue").arn(queueArn)));
                    queues.put(function, queueUrl);
                }
            }
            assertFalse(queues.isEmpty(), "template has EventBridge rules");

            Map<String, Set<String>> received = new TreeMap<>();
            for (String file : EXPECTED.keySet()) {
                JsonNode event = JSON.readTree(ProjectFiles.eventText(file));
                PutEventsResponse put = events.putEvents(r -> r.entries(e -> e.source(event.get("source").asText())
                        .detailType(event.get("detail-type").asText()).detail(event.get("detail").toString())));
                assertEquals(0, put.failedEntryCount(), file);
                Set<String> matched = new TreeSet<>();
                queues.forEach((function, url) -> {
                    int messages = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)).messages().size();
                    if (messages > 0) {
                        matched.add(function);
                    }
                    sqs.purgeQueue(r -> r.queueUrl(url));
                });
                received.put(file, matched);
            }
            assertEquals(new TreeMap<>(EXPECTED), received);
        }
    }

    @Test
    void everyCloudTrailSampleEventIsCovered() throws IOException {
        try (Stream<Path> files = Files.list(ProjectFiles.root().resolve("events"))) {
            Set<String> cloudTrail = new TreeSet<>();
            for (Path file : files.toList()) {
                JsonNode event = JSON.readTree(file.toFile());
                if (event.path("detail-type").asText().endsWith("via CloudTrail")) {
                    cloudTrail.add(file.getFileName().toString());
                }
            }
            assertEquals(new TreeSet<>(EXPECTED.keySet()), cloudTrail);
        }
    }

    /** The handlers check events against EventRule; the template's patterns must be exactly those definitions. */
    @Test
    void theTemplatesPatternsAreTheHandlersDefinitions() throws IOException {
        CloudFormationTemplate template = CloudFormationTemplate.load();
        for (EventRule rule : List.of(EventRule.GRANT, EventRule.ENFORCE)) {
            Map<?, ?> events = (Map<?, ?>) template.properties(rule.function()).get("Events");
            List<Object> patterns = events.values().stream()
                    .filter(e -> "EventBridgeRule".equals(CloudFormationTemplate.at(e, "Type")))
                    .map(e -> CloudFormationTemplate.at(e, "Properties", "Pattern")).toList();
            assertEquals(1, patterns.size(), rule.function());
            assertEquals(JSON.valueToTree(rule.pattern()), JSON.valueToTree(patterns.get(0)), rule.function());
        }
    }
}
