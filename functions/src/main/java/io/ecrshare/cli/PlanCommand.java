package io.ecrshare.cli;

import io.ecrshare.aws.AwsClients;
import io.ecrshare.config.ConfigException;
import io.ecrshare.share.ReconcileReport;
import io.ecrshare.wiring.SharingComponents;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The reconcile's plan mode from a workstation: {@code java -jar ecr-share-cli.jar plan --region eu-west-1
 * --consumer-account-ids 111111111111}. Uses the default AWS credentials, honours AWS_ENDPOINT_URL, changes
 * nothing, and prints what a deploy with that configuration would do to every repository.
 */
public final class PlanCommand {

    private static final Map<String, String> OPTIONS = Map.of(
            "--region", "AWS_REGION",
            "--share-tag-key", "SHARE_TAG_KEY",
            "--share-tag-value", "SHARE_TAG_VALUE",
            "--consumer-account-ids", "CONSUMER_ACCOUNT_IDS",
            "--consumer-principal-arns", "CONSUMER_PRINCIPAL_ARNS",
            "--consumer-org-ids", "CONSUMER_ORG_IDS",
            "--consumer-org-paths", "CONSUMER_ORG_PATHS",
            "--enforcement-mode", "ENFORCEMENT_MODE",
            "--owner-account-id", "OWNER_ACCOUNT_ID",
            "--concurrency", "RECONCILE_CONCURRENCY");

    private PlanCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** @return the process exit code: 0 planned, 1 some repositories could not be read, 2 bad usage or config */
    static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        if (args.length == 0 || !"plan".equals(args[0])) {
            err.println(usage());
            return 2;
        }
        Map<String, String> env = new HashMap<>(environment);
        for (int i = 1; i < args.length; i++) {
            String option = args[i];
            if ("--help".equals(option)) {
                out.println(usage());
                return 0;
            }
            String variable = OPTIONS.get(option);
            if (variable == null || i + 1 >= args.length) {
                err.println("plan: unknown option or missing value: " + option + "\n" + usage());
                return 2;
            }
            env.put(variable, args[++i]);
        }
        try {
            AwsClients clients = new AwsClients(env, DefaultCredentialsProvider.builder().build());
            // Per-repository log lines would bury the table: the table is the plan's output.
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            ReconcileReport report = SharingComponents.fromEnvironment("plan", env, clients, quiet).reconciler()
                    .run(true, "plan");
            out.print(report.toTable());
            report.failures().forEach(f -> err.println("plan: could not read " + f.repository() + ": " + f.reason()));
            return report.failures().isEmpty() ? 0 : 1;
        } catch (ConfigException e) {
            err.println("plan: invalid configuration: " + e.getMessage());
            return 2;
        }
    }

    static String usage() {
        return """
                usage: java -jar ecr-share-cli.jar plan [--region REGION] [--consumer-account-ids IDS]
                         [--consumer-principal-arns ARNS] [--consumer-org-ids IDS] [--consumer-org-paths PATHS]
                         [--share-tag-key KEY] [--share-tag-value VALUE] [--enforcement-mode merge|exclusive]
                         [--owner-account-id ID] [--concurrency N]
                Shows what ecr-share would do to every repository of the account in your default AWS
                credentials; changes nothing. Options fall back to the same environment variables the
                functions use (AWS_REGION, CONSUMER_ACCOUNT_IDS, ...); AWS_ENDPOINT_URL is honoured.""";
    }
}
