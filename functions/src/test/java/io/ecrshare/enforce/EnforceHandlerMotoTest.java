package io.ecrshare.enforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.aws.SnsCorrectionNotifier;
import io.ecrshare.share.CorrectionNotifier;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.CountingRegistry;
import io.ecrshare.testsupport.MotoServer;
import io.ecrshare.testsupport.ProjectFiles;
import io.ecrshare.testsupport.TestConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.Tag;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EnforceFunction end to end: sample CloudTrail events, the real SDK clients, moto as ECR (and SNS, SQS). */
class EnforceHandlerMotoTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPO = "platform/base-image";
    private static final String ARN = "arn:aws:ecr:us-east-1:123456789012:repository/" + REPO;

    private final MotoServer moto = MotoServer.shared();
    private EcrClient ecr;
    private CountingRegistry registry;
    private CapturedOutput output;

    @BeforeEach
    void setUp() {
        moto.reset();
        ecr = moto.clients().ecr();
        registry = new CountingRegistry(new EcrRepositoryRegistry(ecr));
        output = new CapturedOutput();
    }

    @AfterEach
    void tearDown() {
        ecr.close();
    }

    private EnforceHandler handler(Map<String, String> env, CorrectionNotifier notifier) {
        return new EnforceHandler(TestConfig.components(env, registry, output, "enforce",
                new TestConfig.RecordingSleeper(), notifier));
    }

    private JsonNode invoke(EnforceHandler handler, String eventFile) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(ProjectFiles.eventStream(eventFile), out, null);
        return JSON.readTree(out.toByteArray());
    }

    /** Puts the repository in the state the event describes: the policy the person just set. */
    private void sharedRepositoryWithPolicyFrom(String eventFile) throws Exception {
        ecr.createRepository(r -> r.repositoryName(REPO).tags(Tag.builder().key("ecr-share").value("true").build()));
        String policy = JSON.readTree(ProjectFiles.eventText(eventFile)).at("/detail/requestParameters/policyText").asText();
        ecr.setRepositoryPolicy(r -> r.repositoryName(REPO).policyText(policy));
        registry.reset();
    }

    private List<String> sids() throws Exception {
        List<String> sids = new ArrayList<>();
        JSON.readTree(ecr.getRepositoryPolicy(r -> r.repositoryName(REPO)).policyText()).get("Statement")
                .forEach(s -> sids.add(s.path("Sid").asText()));
        return sids;
    }

    @Test
    void personRemovingAConsumerIsUndoneAndTheirOtherStatementKept() throws Exception {
        sharedRepositoryWithPolicyFrom("enforce-set-repository-policy-by-person.json");
        EnforceHandler handler = handler(TestConfig.env(), CorrectionNotifier.NONE);

        JsonNode result = invoke(handler, "enforce-set-repository-policy-by-person.json");

        assertEquals("restored", result.get("action").asText());
        assertEquals(List.of("TeamCIPush", "EcrSharePullAccounts", "EcrSharePullPrincipals", "EcrSharePullOrganizations"), sids());
        JsonNode principals = JSON.readTree(ecr.getRepositoryPolicy(r -> r.repositoryName(REPO)).policyText())
                .at("/Statement/1/Principal/AWS");
        assertEquals("[\"arn:aws:iam::111111111111:root\",\"arn:aws:iam::222222222222:root\"]", principals.toString());
        assertEquals(Map.of("GetRepositoryPolicy", 1, "ListTagsForResource", 1, "SetRepositoryPolicy", 1, "TagResource", 1),
                registry.snapshot(), "two reads, the write and its marker");

        JsonNode audit = output.decisions().get(0);
        assertEquals("arn:aws:sts::123456789012:assumed-role/Developer/sam.lee", audit.get("actor").asText());
        assertEquals("SetRepositoryPolicy", audit.get("eventName").asText());
        assertEquals("7a9b1c3d-2e4f-4a6b-8c0d-1e2f3a4b5c6d", audit.get("sourceEvent").asText());
        assertEquals("[\"EcrSharePullAccounts\",\"EcrSharePullPrincipals\",\"EcrSharePullOrganizations\"]",
                audit.get("restoredStatements").toString());
        assertEquals(2, audit.at("/policyBefore/Statement").size());
        assertEquals(4, audit.at("/policyAfter/Statement").size());
        assertEquals(1, output.metric("DriftCorrected"));
        assertEquals(1, output.metric("PoliciesWritten"));
    }

    @Test
    void ourOwnWriteIsSkippedBeforeAnyApiCallAndASlippedThroughEventWritesNothing() throws Exception {
        sharedRepositoryWithPolicyFrom("enforce-set-repository-policy-by-person.json");
        EnforceHandler handler = handler(TestConfig.env(), CorrectionNotifier.NONE);
        invoke(handler, "enforce-set-repository-policy-by-person.json");
        registry.reset();

        JsonNode own = invoke(handler, "enforce-set-repository-policy-own-role.json");

        assertEquals("skipped", own.get("action").asText());
        assertTrue(own.get("reason").asText().contains("own role"));
        assertEquals(Map.of(), registry.snapshot(), "no API call for our own event");

        // Had the event not been recognised (e.g. OWN_ROLE_ARNS missing), the second pass still writes nothing.
        Map<String, String> unaware = TestConfig.env();
        unaware.remove("OWN_ROLE_ARNS");
        JsonNode slipped = invoke(handler(unaware, CorrectionNotifier.NONE), "enforce-set-repository-policy-own-role.json");
        assertEquals("unchanged", slipped.get("action").asText());
        assertEquals(0, registry.writes());
        assertEquals(2, registry.reads());
    }

    @Test
    void deletedPolicyOfASharedRepositoryIsRestored() throws Exception {
        ecr.createRepository(r -> r.repositoryName(REPO).tags(Tag.builder().key("ecr-share").value("true").build()));

        JsonNode result = invoke(handler(TestConfig.env(), CorrectionNotifier.NONE), "enforce-delete-repository-policy.json");

        assertEquals("restored", result.get("action").asText());
        assertEquals(List.of("EcrSharePullAccounts", "EcrSharePullPrincipals", "EcrSharePullOrganizations"), sids());
    }

    @Test
    void managedStatementsAddedByHandToAnUnsharedRepositoryAreRemoved() throws Exception {
        sharedRepositoryWithPolicyFrom("enforce-set-repository-policy-by-person.json");
        ecr.untagResource(r -> r.resourceArn(ARN).tagKeys("ecr-share"));

        JsonNode result = invoke(handler(TestConfig.env(), CorrectionNotifier.NONE), "enforce-set-repository-policy-by-person.json");

        assertEquals("revoked", result.get("action").asText());
        assertEquals(List.of("TeamCIPush"), sids());
        assertEquals(1, output.metric("DriftCorrected"));
    }

    @Test
    void exclusiveModeRemovesStatementsGrantingOutsidersAndLogsThem() throws Exception {
        sharedRepositoryWithPolicyFrom("enforce-set-repository-policy-public.json");
        Map<String, String> env = TestConfig.env();
        env.put("ENFORCEMENT_MODE", "exclusive");

        JsonNode result = invoke(handler(env, CorrectionNotifier.NONE), "enforce-set-repository-policy-public.json");

        assertEquals("restored", result.get("action").asText());
        assertEquals(List.of("DenyDelete", "DeployerPush", "EcrSharePullAccounts", "EcrSharePullPrincipals",
                "EcrSharePullOrganizations"), sids());
        JsonNode removed = output.decisions().get(0).get("removedStatements");
        assertEquals(1, removed.size());
        assertEquals("QuickFixForVendor", removed.get(0).at("/statement/Sid").asText());
        assertTrue(removed.get(0).get("reason").asText().contains("Principal \"*\""));
    }

    @Test
    void mergeModeKeepsTheSameForeignStatementsButStillReplacesTheWidenedManagedOne() throws Exception {
        sharedRepositoryWithPolicyFrom("enforce-set-repository-policy-public.json");

        invoke(handler(TestConfig.env(), CorrectionNotifier.NONE), "enforce-set-repository-policy-public.json");

        assertEquals(List.of("QuickFixForVendor", "DenyDelete", "DeployerPush", "EcrSharePullAccounts",
                "EcrSharePullPrincipals", "EcrSharePullOrganizations"), sids());
        JsonNode accounts = JSON.readTree(ecr.getRepositoryPolicy(r -> r.repositoryName(REPO)).policyText()).at("/Statement/3");
        assertEquals("EcrSharePullAccounts", accounts.get("Sid").asText());
        assertTrue(accounts.get("Principal").isObject(), "the widened Principal \"*\" is gone");
    }

    @Test
    void correctionIsAnnouncedOnTheTopicNamingTheActor() throws Exception {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        try (SnsClient sns = moto.clients().sns();
             SqsClient sqs = SqsClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                     .endpointOverride(URI.create(moto.endpoint())).httpClient(UrlConnectionHttpClient.create()).build()) {
            String topic = sns.createTopic(r -> r.name("ecr-share-corrections")).topicArn();
            String queueUrl = sqs.createQueue(r -> r.queueName("inbox")).queueUrl();
            String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            sns.subscribe(r -> r.topicArn(topic).protocol("sqs").endpoint(queueArn)
                    .attributes(Map.of("RawMessageDelivery", "true")));
            sharedRepositoryWithPolicyFrom("enforce-set-repository-policy-by-person.json");
            AtomicInteger clientsBuilt = new AtomicInteger();
            EnforceHandler handler = handler(TestConfig.env(), new SnsCorrectionNotifier(() -> {
                clientsBuilt.incrementAndGet();
                return sns;
            }, topic, output.log("enforce")));
            assertEquals(0, clientsBuilt.get(), "the SNS client waits for the first notification");

            invoke(handler, "enforce-set-repository-policy-by-person.json");
            invoke(handler, "enforce-set-repository-policy-by-person.json"); // compliant now: no second message
            assertEquals(1, clientsBuilt.get(), "built once");

            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)).messages();
            assertEquals(1, messages.size());
            String text = messages.get(0).body();
            assertTrue(text.contains("Changed by: arn:aws:sts::123456789012:assumed-role/Developer/sam.lee"), text);
            assertTrue(text.contains("\"platform/base-image\""), text);
            assertTrue(text.contains("Restored statements: EcrSharePullAccounts"), text);
        }
    }

    @Test
    void aFailedNotificationIsLoggedAndDoesNotUndoOrFailTheCorrection() throws Exception {
        try (SnsClient sns = moto.clients().sns()) {
            sharedRepositoryWithPolicyFrom("enforce-set-repository-policy-by-person.json");
            String missingTopic = "arn:aws:sns:us-east-1:123456789012:no-such-topic";
            EnforceHandler handler = handler(TestConfig.env(), new SnsCorrectionNotifier(sns, missingTopic, output.log("enforce")));

            JsonNode result = invoke(handler, "enforce-set-repository-policy-by-person.json");

            assertEquals("restored", result.get("action").asText());
            assertEquals(4, sids().size());
            JsonNode warning = output.lines().stream().filter(l -> "notification failed".equals(l.path("message").asText()))
                    .findFirst().orElseThrow();
            assertEquals("WARN", warning.get("level").asText());
            assertEquals(missingTopic, warning.get("topic").asText());
        }
    }

    /** Never widen (issue 9 item 5): a person's Deny survives enforcement untouched, whatever its Sid. */
    @Test
    void aDenyWithTheManagedSidPrefixSurvivesEnforcementUntouchedAndIsReported() throws Exception {
        String deny = "{\"Sid\":\"EcrSharePullAccounts\",\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"arn:aws:iam::999999999999:root\"},"
                + "\"Action\":\"ecr:*\"}";
        ecr.createRepository(r -> r.repositoryName(REPO).tags(Tag.builder().key("ecr-share").value("true").build()));
        ecr.setRepositoryPolicy(r -> r.repositoryName(REPO).policyText("{\"Version\":\"2012-10-17\",\"Statement\":[" + deny + "]}"));
        registry.reset();

        JsonNode result = invoke(handler(TestConfig.env(), CorrectionNotifier.NONE), "enforce-set-repository-policy-by-person.json");

        assertEquals("restored", result.get("action").asText());
        JsonNode stored = JSON.readTree(ecr.getRepositoryPolicy(r -> r.repositoryName(REPO)).policyText()).get("Statement");
        assertEquals(JSON.readTree(deny), stored.get(0), "the Deny, exactly as it was, first");
        assertEquals(List.of("EcrSharePullAccounts", "EcrSharePullAccounts", "EcrSharePullPrincipals", "EcrSharePullOrganizations"), sids());
        JsonNode audit = output.decisions().get(0);
        assertEquals("Deny", audit.at("/keptLookalikeStatements/0/Effect").asText(), audit.toString());
        assertTrue(audit.get("reason").asText().contains("not ecr-share's"), audit.toString());
    }
}
