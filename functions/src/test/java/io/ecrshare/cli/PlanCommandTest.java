package io.ecrshare.cli;

import io.ecrshare.testsupport.MotoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.RepositoryPolicyNotFoundException;
import software.amazon.awssdk.services.ecr.model.Tag;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The workstation plan command against moto through AWS_ENDPOINT_URL and the default credentials chain. */
class PlanCommandTest {

    private static final MotoServer MOTO = MotoServer.shared();

    @BeforeAll
    static void credentials() {
        // The default chain reads these system properties; the command gets no credentials from the test.
        System.setProperty("aws.accessKeyId", "testing");
        System.setProperty("aws.secretAccessKey", "testing");
    }

    @AfterAll
    static void clear() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    private record Result(int exit, String out, String err) {
    }

    private Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = PlanCommand.run(args, Map.of("AWS_ENDPOINT_URL", MOTO.endpoint()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printsAReadableTableAndChangesNothing() {
        MOTO.reset();
        try (EcrClient ecr = MOTO.clients().ecr()) {
            ecr.createRepository(r -> r.repositoryName("platform/base-image").tags(Tag.builder().key("ecr-share").value("true").build()));
            ecr.createRepository(r -> r.repositoryName("payments/internal-tool"));

            Result result = run("plan", "--region", "us-east-1", "--consumer-account-ids", "111111111111");

            assertEquals(0, result.exit(), result.err());
            String[] lines = result.out().split("\n");
            assertTrue(lines[0].matches("REPOSITORY\\s+ACTION\\s+WHY"), lines[0]);
            assertTrue(lines[1].matches("platform/base-image\\s+granted\\s+tagged ecr-share=true; standard statements added"), lines[1]);
            assertTrue(lines[2].matches("payments/internal-tool\\s+unchanged\\s+not tagged ecr-share=true; no managed statements"), lines[2]);
            assertTrue(result.out().contains("2 repositories, 1 granted, 1 unchanged (plan: nothing was changed)"), result.out());
            assertThrows(RepositoryPolicyNotFoundException.class,
                    () -> ecr.getRepositoryPolicy(r -> r.repositoryName("platform/base-image")), "the plan wrote nothing");
        }
    }

    @Test
    void badConfigurationAndUsageAreClearErrors() {
        Result invalid = run("plan", "--region", "us-east-1", "--consumer-account-ids", "11111111111");
        assertEquals(2, invalid.exit());
        assertTrue(invalid.err().contains("--consumer-account-ids contains an invalid value '11111111111'"), invalid.err());

        Result usage = run("apply");
        assertEquals(2, usage.exit());
        assertTrue(usage.err().contains("usage: java -jar ecr-share-cli.jar plan"), usage.err());

        Result unknown = run("plan", "--colour", "red");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("unknown option"), unknown.err());
    }

    @Test
    void revokeAllPreviewsAnUninstallAndReplicaSourcesArePlannedToo() throws Exception {
        MOTO.reset();
        try (EcrClient ecr = MOTO.clients().ecr(); EcrClient source = MOTO.clients().ecr("us-west-2")) {
            String managed = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"EcrSharePullAccounts\",\"Effect\":\"Allow\","
                    + "\"Principal\":{\"AWS\":[\"arn:aws:iam::111111111111:root\"]},\"Action\":[\"ecr:BatchGetImage\"]}]}";
            ecr.createRepository(r -> r.repositoryName("platform/base-image").tags(Tag.builder().key("ecr-share").value("true").build()));
            ecr.setRepositoryPolicy(r -> r.repositoryName("platform/base-image").policyText(managed));
            ecr.createRepository(r -> r.repositoryName("platform/replica"));
            source.createRepository(r -> r.repositoryName("platform/replica").tags(Tag.builder().key("ecr-share").value("true").build()));

            Result revoke = run("plan", "--region", "us-east-1", "--consumer-account-ids", "111111111111", "--revoke-all");
            assertEquals(0, revoke.exit(), revoke.err());
            assertTrue(revoke.out().matches("(?s).*platform/base-image\\s+revoked\\s+revoke all; managed statements removed.*"), revoke.out());
            assertTrue(ecr.getRepositoryPolicy(r -> r.repositoryName("platform/base-image")).policyText().contains("EcrShare"),
                    "a preview changes nothing");

            Result replicas = run("plan", "--region", "us-east-1", "--consumer-account-ids", "111111111111",
                    "--replication-source-regions", "us-west-2");
            assertEquals(0, replicas.exit(), replicas.err());
            assertTrue(replicas.out().matches("(?s).*platform/replica\\s+granted\\s+tagged ecr-share=true; standard statements added; "
                    + "replica of the shared repository in us-west-2; sharing tag copied.*"), replicas.out());
        }
    }
}
