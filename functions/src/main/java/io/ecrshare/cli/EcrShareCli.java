package io.ecrshare.cli;

import java.io.PrintStream;
import java.util.Map;

/** {@code java -jar ecr-share-cli.jar plan|statements ...}: the workstation commands. */
public final class EcrShareCli {

    private EcrShareCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "" : args[0];
        return switch (command) {
            case "plan" -> PlanCommand.run(args, env, out, err);
            case "statements" -> StatementsCommand.run(args, env, out, err);
            default -> {
                err.println("usage: java -jar ecr-share-cli.jar plan|statements [options]   (--help for the options)\n\n"
                        + PlanCommand.usage() + "\n\n" + StatementsCommand.usage());
                yield 2;
            }
        };
    }
}
