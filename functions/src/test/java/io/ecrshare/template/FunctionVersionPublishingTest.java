package io.ecrshare.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.event.MalformedEventException;
import io.ecrshare.reconcile.CloudFormationResponder;
import io.ecrshare.reconcile.ReconcileHandler;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.CountingRegistry;
import io.ecrshare.testsupport.FakeEcr;
import io.ecrshare.testsupport.SamTranslator;
import io.ecrshare.testsupport.TestConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A deploy that changes only parameters publishes a new version of exactly the functions whose environment
 * changed. Proven on the translated template (aws-sam-translator) of several parameter sets: SAM's version
 * logical ID stays the same (it hashes the environment as written, SAM issue #3820), but the version's
 * Description, filled in by CloudFormation from FunctionConfigurationDigest (answered here by the real
 * reconcile handler), changes; "Update requires: Replacement" for AWS::Lambda::Version Description
 * (CloudFormation resource reference), so CloudFormation publishes a new version and moves the alias.
 */
class FunctionVersionPublishingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "123456789012";
    private static final List<String> FUNCTIONS = List.of("GrantFunction", "EnforceFunction", "ReconcileFunction", "TokenFunction");

    /** What CloudFormation would make of one parameter set: per function, version logical ID and Description. */
    private record Deployment(Map<String, String> versionIds, Map<String, String> descriptions) {
    }

    @Test
    void everyFunctionRunsFromASnapStartVersionBehindItsLiveAlias() throws Exception {
        JsonNode resources = SamTranslator.translate(Map.of("ConsumerAccountIds", "111111111111")).resources();
        List<String> snapStart = new ArrayList<>();
        resources.fields().forEachRemaining(e -> {
            if ("AWS::Lambda::Function".equals(e.getValue().path("Type").asText())) {
                assertEquals("PublishedVersions", e.getValue().at("/Properties/SnapStart/ApplyOn").asText(), e.getKey());
                snapStart.add(e.getKey());
            }
        });
        assertEquals(FUNCTIONS, snapStart.stream().sorted((a, b) -> FUNCTIONS.indexOf(a) - FUNCTIONS.indexOf(b)).toList());
        for (String function : FUNCTIONS) {
            assertEquals("live", resources.path(function + "Aliaslive").at("/Properties/Name").asText(), function);
        }
    }

    @Test
    void aParameterOnlyUpdatePublishesNewVersionsOfTheFunctionsWhoseEnvironmentChanged() throws Exception {
        Deployment before = deploy(Map.of("ConsumerAccountIds", "111111111111"));
        Deployment same = deploy(Map.of("ConsumerAccountIds", "111111111111"));
        Deployment moreConsumers = deploy(Map.of("ConsumerAccountIds", "111111111111,222222222222"));
        Deployment topic = deploy(Map.of("ConsumerAccountIds", "111111111111",
                "NotificationTopicArn", "arn:aws:sns:us-east-1:" + ACCOUNT + ":ecr-share"));

        assertEquals(before, same, "the same parameters publish nothing");
        assertEquals(before.versionIds(), moreConsumers.versionIds(),
                "SAM alone would not publish: the version logical IDs do not depend on parameter values");
        for (String function : FUNCTIONS) {
            assertNotEquals(before.descriptions().get(function), moreConsumers.descriptions().get(function),
                    function + ": a changed consumer list replaces the version");
        }
        // Lambda refuses to publish a version of an unchanged function, so only the enforcer's may change here.
        for (String function : FUNCTIONS) {
            if (function.equals("EnforceFunction")) {
                assertNotEquals(before.descriptions().get(function), topic.descriptions().get(function));
            } else {
                assertEquals(before.descriptions().get(function), topic.descriptions().get(function), function);
            }
        }
        before.descriptions().values().forEach(d -> assertTrue(d.length() <= 256, "Description is at most 256 characters: " + d));
    }

    @Test
    void theDigestCoversExactlyEachFunctionsEnvironment() throws Exception {
        JsonNode resources = SamTranslator.translate(Map.of("ConsumerAccountIds", "111111111111")).resources();
        JsonNode digest = resources.at("/FunctionConfigurationDigest/Properties");
        for (String function : FUNCTIONS) {
            String name = function.replace("Function", "");
            assertTrue(digest.path("Functions").toString().contains("\"" + name + "\""), name);
            ObjectNode expected = ((ObjectNode) digest.path("Common")).deepCopy();
            if (digest.has(name)) {
                expected.setAll((ObjectNode) digest.path(name));
            }
            assertEquals(expected, resources.at("/" + function + "/Properties/Environment/Variables"),
                    function + "'s environment must be what its digest is computed from");
        }
        assertEquals(JSON.readTree("{\"Fn::GetAtt\":[\"ReconcileFunction\",\"Arn\"]}"), digest.path("ServiceToken"),
                "served by $LATEST: the reconcile function's versions depend on the digest");
    }

    private Deployment deploy(Map<String, String> parameters) throws Exception {
        SamTranslator translated = SamTranslator.translate(parameters);
        JsonNode resources = translated.resources();
        JsonNode properties = translated.resolve(resources.at("/FunctionConfigurationDigest/Properties"));
        JsonNode digests = answer(properties);
        Map<String, String> versionIds = new TreeMap<>();
        Map<String, String> descriptions = new TreeMap<>();
        for (String function : FUNCTIONS) {
            JsonNode alias = resources.path(function + "Aliaslive");
            String versionId = alias.at("/Properties/FunctionVersion/Fn::GetAtt/0").asText();
            JsonNode version = resources.path(versionId);
            assertEquals("AWS::Lambda::Version", version.path("Type").asText(), function);
            String template1 = version.at("/Properties/Description/Fn::Sub").asText();
            String attribute = "${FunctionConfigurationDigest." + function.replace("Function", "") + "}";
            assertTrue(template1.contains(attribute), function + " version description: " + version);
            String digest = digests.path(function.replace("Function", "")).asText();
            assertEquals(64, digest.length(), function);
            versionIds.put(function, versionId);
            descriptions.put(function, template1.replace(attribute, digest));
        }
        return new Deployment(versionIds, descriptions);
    }

    @Test
    void malformedDigestPropertiesFailTheResourceClearlyInsteadOfLeavingCloudFormationWaiting() throws Exception {
        JsonNode answer = answerOf(JSON.readTree("{\"Common\":{\"SHARE_TAG_KEY\":\"ecr-share\"}}"));
        assertEquals("FAILED", answer.path("Status").asText());
        assertTrue(answer.path("Reason").asText().contains("Functions"), answer.toString());
        JsonNode nested = answerOf(JSON.readTree("{\"Functions\":[\"Grant\"],\"Grant\":{\"X\":{\"nested\":\"map\"}}}"));
        assertEquals("FAILED", nested.path("Status").asText());
        assertTrue(nested.path("Reason").asText().contains("Grant.X"), nested.toString());
    }

    /** The custom resource's Create request answered by the real reconcile handler; returns its Data. */
    private static JsonNode answer(JsonNode properties) throws Exception {
        JsonNode answer = answerOf(properties);
        assertEquals("SUCCESS", answer.path("Status").asText(), answer.toString());
        assertFalse(answer.path("PhysicalResourceId").asText().isBlank());
        return answer.path("Data");
    }

    /** What the real reconcile handler PUTs to the ResponseURL for a Create request with these properties. */
    private static JsonNode answerOf(JsonNode properties) throws Exception {
        List<String> answers = new CopyOnWriteArrayList<>();
        HttpServer cloudFormation = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        cloudFormation.createContext("/", exchange -> {
            answers.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        cloudFormation.start();
        try (FakeEcr ecr = new FakeEcr()) {
            CountingRegistry registry = new CountingRegistry(new EcrRepositoryRegistry(ecr.clients().ecr()));
            ReconcileHandler handler = new ReconcileHandler(TestConfig.components(TestConfig.env(), registry, new CapturedOutput(),
                    "reconcile", new TestConfig.RecordingSleeper()), new CloudFormationResponder());
            ObjectNode request = JSON.createObjectNode();
            request.put("RequestType", "Create");
            request.put("ResponseURL", "http://127.0.0.1:" + cloudFormation.getAddress().getPort() + "/presigned");
            request.put("StackId", "arn:aws:cloudformation:us-east-1:" + ACCOUNT + ":stack/ecr-share/1");
            request.put("RequestId", "r1");
            request.put("LogicalResourceId", "FunctionConfigurationDigest");
            request.put("ResourceType", "Custom::EcrShareFunctionConfigurationDigest");
            request.set("ResourceProperties", properties);
            try {
                handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(request)), new ByteArrayOutputStream(), null);
            } catch (MalformedEventException e) {
                // the invocation fails too (logged by Lambda); CloudFormation has its answer already
            }
            assertEquals(Map.of(), registry.snapshot(), "the digest touches no repository");
        } finally {
            cloudFormation.stop(0);
        }
        assertEquals(1, answers.size(), "CloudFormation gets exactly one answer");
        return JSON.readTree(answers.get(0));
    }
}
