package io.ecrshare.cli;

import io.ecrshare.aws.AwsClients;
import io.ecrshare.config.ConfigException;
import io.ecrshare.share.ReconcileReport;
import io.ecrshare.wiring.SharingComponents;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The reconcile's plan mode from a workstation: {@code java -jar ecr-share-cli.jar plan --region eu-west-1
 * --consumer-account-ids 111111111111}. Uses the default AWS credentials, honours AWS_ENDPOINT_URL, changes
 * nothing, and prints what a deploy with that configuration would do to every repository.
 */
public final class PlanCommand {

    static final String REVOKE_ALL = "--revoke-all";
    static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("--region", "AWS_REGION");
        OPTIONS.putAll(CliOptions.CONFIGURATION);
        OPTIONS.put("--replication-source-regions", "REPLICATION_SOURCE_REGIONS");
        OPTIONS.put("--concurrency", "RECONCILE_CONCURRENCY");
    }

    private PlanCommand() {
    }

    /** @return the process exit code: 0 planned, 1 some repositories could not be read, 2 bad usage or config */
    static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        if (args.length == 0 || !"plan".equals(args[0])) {
            err.println(usage());
            return 2;
        }
        if (java.util.Arrays.asList(args).contains("--help")) {
            out.println(usage());
            return 0;
        }
        Map<String, String> env;
        try {
            env = CliOptions.apply("plan", args, environment, OPTIONS, Set.of(REVOKE_ALL));
        } catch (CliOptions.UsageException e) {
            err.println(e.getMessage() + "\n" + usage());
            return 2;
        }
        try {
            AwsClients clients = new AwsClients(env, DefaultCredentialsProvider.builder().build());
            // Per-repository log lines would bury the table: the table is the plan's output.
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            ReconcileReport report = SharingComponents.fromEnvironment("plan", env, clients, quiet).reconciler()
                    .run(true, env.containsKey(REVOKE_ALL), "plan");
            out.print(report.toTable());
            report.failures().forEach(f -> err.println("plan: could not read " + f.repository() + ": " + f.reason()));
            return report.failures().isEmpty() ? 0 : 1;
        } catch (ConfigException e) {
            err.println("plan: invalid configuration: " + CliOptions.inFlags(e.getMessage(), OPTIONS));
            return 2;
        }
    }

    static String usage() {
        return """
                usage: java -jar ecr-share-cli.jar plan [--region REGION] [--consumer-account-ids IDS]
                         [--consumer-principal-arns ARNS] [--consumer-org-ids IDS] [--consumer-org-paths PATHS]
                         [--share-tag-key KEY] [--share-tag-value VALUE] [--enforcement-mode merge|exclusive]
                         [--owner-account-id ID] [--replication-source-regions REGIONS] [--concurrency N]
                         [--revoke-all]
                Shows what ecr-share would do to every repository of the account in your default AWS
                credentials; changes nothing. --revoke-all previews an uninstall with RevokeOnDelete=true.
                Unset options fall back to the environment variables the functions read (AWS_REGION,
                CONSUMER_ACCOUNT_IDS, ...); AWS_ENDPOINT_URL is honoured.""";
    }
}
