package io.ecrshare.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrshare.aws.EcrRepositoryRegistry;
import io.ecrshare.enforce.EnforceHandler;
import io.ecrshare.grant.GrantHandler;
import io.ecrshare.reconcile.CloudFormationResponder;
import io.ecrshare.reconcile.ReconcileHandler;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.CountingRegistry;
import io.ecrshare.testsupport.MotoServer;
import io.ecrshare.testsupport.ProjectFiles;
import io.ecrshare.testsupport.TestConfig;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.Tag;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live with IaC: a policy written by Terraform or CloudFormation that contains what {@code statements}
 * prints is compliant for every function: no write, so no drift correction and no diff on the next plan.
 */
class StatementsCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEAM_STATEMENT =
            "{\"Sid\":\"TeamCI\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/ci\"},\"Action\":\"ecr:PutImage\"}";

    private record Result(int exit, String out, String err) {
    }

    private static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = EcrShareCli.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aPolicyHoldingThePrintedStatementsIsCompliantForEveryFunction() throws Exception {
        Map<String, String> env = TestConfig.env();
        Result printed = cli("statements", "--consumer-account-ids", env.get("CONSUMER_ACCOUNT_IDS"),
                "--consumer-principal-arns", env.get("CONSUMER_PRINCIPAL_ARNS"), "--consumer-org-ids", env.get("CONSUMER_ORG_IDS"));
        assertEquals(0, printed.exit(), printed.err());

        // What an IaC owner writes: their own statement, then the printed ones (order does not matter).
        ObjectNode policy = JSON.createObjectNode().put("Version", "2012-10-17");
        ArrayNode statements = policy.putArray("Statement");
        statements.add(JSON.readTree(TEAM_STATEMENT));
        JSON.readTree(printed.out()).forEach(statements::add);

        MotoServer moto = MotoServer.shared();
        moto.reset();
        try (EcrClient ecr = moto.clients().ecr()) {
            ecr.createRepository(r -> r.repositoryName("platform/base-image").tags(Tag.builder().key("ecr-share").value("true").build()));
            ecr.setRepositoryPolicy(r -> r.repositoryName("platform/base-image").policyText(policy.toString()));
            CountingRegistry registry = new CountingRegistry(new EcrRepositoryRegistry(ecr));
            CapturedOutput output = new CapturedOutput();
            var sleeper = new TestConfig.RecordingSleeper();

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new GrantHandler(TestConfig.components(env, registry, output, "grant", sleeper))
                    .handleRequest(ProjectFiles.eventStream("grant-create-repository-tagged.json"), out, null);
            assertEquals("unchanged", JSON.readTree(out.toByteArray()).get("action").asText(), out.toString());

            out.reset();
            new EnforceHandler(TestConfig.components(env, registry, output, "enforce", sleeper))
                    .handleRequest(ProjectFiles.eventStream("enforce-set-repository-policy-by-person.json"), out, null);
            assertEquals("unchanged", JSON.readTree(out.toByteArray()).get("action").asText(), out.toString());

            out.reset();
            new ReconcileHandler(TestConfig.components(env, registry, output, "reconcile", sleeper), new CloudFormationResponder())
                    .handleRequest(new java.io.ByteArrayInputStream("{\"dryRun\": false}".getBytes(StandardCharsets.UTF_8)), out, null);
            assertEquals(1, JSON.readTree(out.toByteArray()).at("/totals/unchanged").asInt(), out.toString());

            assertEquals(0, registry.writes() + registry.calls("TagResource"), "zero writes: nothing for IaC to see as drift");
            JsonNode stored = JSON.readTree(ecr.getRepositoryPolicy(r -> r.repositoryName("platform/base-image")).policyText());
            assertEquals(4, stored.get("Statement").size());
        }
    }

    @Test
    void errorsNameTheFlagsNotTheEnvironmentVariables() {
        Result invalid = cli("statements", "--consumer-account-ids", "11111111111");
        assertEquals(2, invalid.exit());
        assertTrue(invalid.err().contains("--consumer-account-ids contains an invalid value '11111111111'"), invalid.err());

        Result none = cli("statements");
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("set at least one of --consumer-account-ids, --consumer-principal-arns, "
                + "--consumer-org-ids, --consumer-org-paths"), none.err());

        Result plan = cli("plan", "--region", "us-east-1", "--consumer-org-ids", "org-1");
        assertEquals(2, plan.exit());
        assertTrue(plan.err().contains("--consumer-org-ids contains an invalid value 'org-1'"), plan.err());
        assertTrue(!plan.err().contains("CONSUMER_ORG_IDS"), plan.err());

        Result missing = cli("statements", "--consumer-org-ids");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("--consumer-org-ids needs a value"), missing.err());
    }
}
