package io.ecrshare.cli;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The workstation commands' options: each flag sets the environment variable the functions read, so a
 * command sees exactly the configuration a deployment with those parameters would. Errors speak in flags.
 */
final class CliOptions {

    /** Flag to the functions' environment variable, in usage order. */
    static final Map<String, String> CONFIGURATION = new LinkedHashMap<>();

    static {
        CONFIGURATION.put("--consumer-account-ids", "CONSUMER_ACCOUNT_IDS");
        CONFIGURATION.put("--consumer-principal-arns", "CONSUMER_PRINCIPAL_ARNS");
        CONFIGURATION.put("--consumer-org-ids", "CONSUMER_ORG_IDS");
        CONFIGURATION.put("--consumer-org-paths", "CONSUMER_ORG_PATHS");
        CONFIGURATION.put("--share-tag-key", "SHARE_TAG_KEY");
        CONFIGURATION.put("--share-tag-value", "SHARE_TAG_VALUE");
        CONFIGURATION.put("--enforcement-mode", "ENFORCEMENT_MODE");
        CONFIGURATION.put("--owner-account-id", "OWNER_ACCOUNT_ID");
    }

    private CliOptions() {
    }

    /** Thrown for an unknown flag or a flag without its value. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /**
     * The environment with every given flag applied. Boolean flags (no value) are returned as "true" under
     * their own name.
     *
     * @param options flags this command accepts, with the variable each sets
     * @param switches flags this command accepts that take no value
     */
    static Map<String, String> apply(String command, String[] args, Map<String, String> environment,
                                     Map<String, String> options, java.util.Set<String> switches) {
        Map<String, String> env = new HashMap<>(environment);
        for (int i = 1; i < args.length; i++) {
            String option = args[i];
            if (switches.contains(option)) {
                env.put(option, "true");
                continue;
            }
            String variable = options.get(option);
            if (variable == null) {
                throw new UsageException(command + ": unknown option: " + option);
            }
            if (i + 1 >= args.length) {
                throw new UsageException(command + ": " + option + " needs a value");
            }
            env.put(variable, args[++i]);
        }
        return env;
    }

    /** A configuration error as the functions word it (CONSUMER_ACCOUNT_IDS ...), with the flag names instead. */
    static String inFlags(String message, Map<String, String> options) {
        String result = message;
        for (Map.Entry<String, String> option : options.entrySet()) {
            result = Pattern.compile("\\b" + Pattern.quote(option.getValue()) + "\\b").matcher(result)
                    .replaceAll(Matcher.quoteReplacement(option.getKey()));
        }
        return result;
    }
}
