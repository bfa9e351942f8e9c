package io.ecrshare.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ecrshare.config.ConfigException;
import io.ecrshare.config.Consumers;
import io.ecrshare.policy.ManagedStatements;

import java.io.PrintStream;
import java.util.Map;
import java.util.Set;

/**
 * Prints the managed statements for a consumer configuration as a JSON array, exactly as the functions
 * would write them, so Terraform or CloudFormation can own the whole repository policy and ecr-share finds it
 * compliant (no write, no drift correction). No AWS call.
 */
public final class StatementsCommand {

    static final Map<String, String> OPTIONS = Map.of(
            "--consumer-account-ids", "CONSUMER_ACCOUNT_IDS",
            "--consumer-principal-arns", "CONSUMER_PRINCIPAL_ARNS",
            "--consumer-org-ids", "CONSUMER_ORG_IDS",
            "--consumer-org-paths", "CONSUMER_ORG_PATHS");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StatementsCommand() {
    }

    /** @return 0 printed, 2 bad usage or configuration */
    static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        if (java.util.Arrays.asList(args).contains("--help")) {
            out.println(usage());
            return 0;
        }
        try {
            Map<String, String> env = CliOptions.apply("statements", args, environment, OPTIONS, Set.of());
            Consumers consumers = Consumers.parse(env.get("CONSUMER_ACCOUNT_IDS"), env.get("CONSUMER_PRINCIPAL_ARNS"),
                    env.get("CONSUMER_ORG_IDS"), env.get("CONSUMER_ORG_PATHS"));
            out.println(JSON.writeValueAsString(new ManagedStatements(consumers).standard()));
            return 0;
        } catch (CliOptions.UsageException e) {
            err.println(e.getMessage() + "\n" + usage());
            return 2;
        } catch (ConfigException e) {
            err.println("statements: invalid configuration: " + CliOptions.inFlags(e.getMessage(), OPTIONS));
            return 2;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not print the statements", e);
        }
    }

    static String usage() {
        return """
                usage: java -jar ecr-share-cli.jar statements [--consumer-account-ids IDS]
                         [--consumer-principal-arns ARNS] [--consumer-org-ids IDS] [--consumer-org-paths PATHS]
                Prints, as a JSON array, the statements ecr-share keeps in every shared repository's policy for
                these consumers (the same values as the stack's Consumer* parameters). Put them in the policy
                your Terraform or CloudFormation writes and ecr-share finds it compliant. No AWS call.""";
    }
}
