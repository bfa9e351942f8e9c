package io.ecrshare.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who may pull shared images. Every list is validated and sorted once, so the standard statements built
 * from it are deterministic and two cold starts with the same configuration produce the same policy.
 */
public record Consumers(List<String> accountIds, List<String> principalArns, List<String> orgIds, List<String> orgPaths) {

    // Role or user ARNs (paths allowed); wildcards only in the name part, never in the account.
    private static final Pattern PRINCIPAL_ARN =
            Pattern.compile("arn:(aws|aws-cn|aws-us-gov):iam::(\\d{12}):(role|user)/[\\w+=,.@/*?-]+");
    private static final Pattern ORG_ID = Pattern.compile("o-[a-z0-9]{10,32}");
    private static final Pattern ORG_PATH =
            Pattern.compile("o-[a-z0-9]{10,32}/r-[a-z0-9]{4,32}(/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32})*/(\\*)?");

    public Consumers {
        accountIds = List.copyOf(accountIds);
        principalArns = List.copyOf(principalArns);
        orgIds = List.copyOf(orgIds);
        orgPaths = List.copyOf(orgPaths);
    }

    /** Parses the four comma-separated settings; the first invalid value stops everything with its name. */
    public static Consumers parse(String accounts, String principals, String orgs, String paths) {
        List<String> accountIds = validated("CONSUMER_ACCOUNT_IDS", accounts, AwsIds.ACCOUNT_ID,
                "a 12-digit AWS account ID");
        List<String> principalArns = validated("CONSUMER_PRINCIPAL_ARNS", principals, PRINCIPAL_ARN,
                "an IAM role or user ARN such as arn:aws:iam::123456789012:role/puller (wildcards only after role/ or user/)");
        List<String> orgIds = validated("CONSUMER_ORG_IDS", orgs, ORG_ID, "an organization ID such as o-a1b2c3d4e5");
        List<String> orgPaths = validated("CONSUMER_ORG_PATHS", paths, ORG_PATH,
                "an organization path such as o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ (optionally ending in *)")
                .stream().map(Consumers::subtree).distinct().sorted().toList();
        Consumers consumers = new Consumers(accountIds, principalArns, orgIds, orgPaths);
        if (consumers.isEmpty()) {
            throw new ConfigException("no consumers configured: set at least one of CONSUMER_ACCOUNT_IDS, "
                    + "CONSUMER_PRINCIPAL_ARNS, CONSUMER_ORG_IDS, CONSUMER_ORG_PATHS");
        }
        return consumers;
    }

    /**
     * A path means the OU and every OU below it. Under ForAnyValue:StringLike a value without a wildcard matches
     * only that exact path (the OU's own accounts), so o-x/r-y/ou-z/ is written o-x/r-y/ou-z/*; a path that
     * already ends in * is kept as given. template.yaml applies the same rule to the API's resource policy.
     */
    static String subtree(String path) {
        return path.endsWith("*") ? path : path + "*";
    }

    /** The organization each configured path lies in, sorted: the aws:PrincipalOrgID that goes with the paths. */
    public List<String> orgPathOrgIds() {
        return orgPaths.stream().map(p -> p.substring(0, p.indexOf('/'))).distinct().sorted().toList();
    }

    public boolean isEmpty() {
        return accountIds.isEmpty() && principalArns.isEmpty() && orgIds.isEmpty() && orgPaths.isEmpty();
    }

    /** Accounts that own the configured principal ARNs, sorted. */
    public List<String> principalAccountIds() {
        Set<String> accounts = new TreeSet<>();
        for (String arn : principalArns) {
            Matcher m = PRINCIPAL_ARN.matcher(arn);
            if (m.matches()) {
                accounts.add(m.group(2));
            }
        }
        return List.copyOf(accounts);
    }

    /** Partition of the configured principal ARNs (they share one; "aws" when there are none). */
    public String partition() {
        for (String arn : principalArns) {
            Matcher m = PRINCIPAL_ARN.matcher(arn);
            if (m.matches()) {
                return m.group(1);
            }
        }
        return "aws";
    }

    private static List<String> validated(String setting, String raw, Pattern pattern, String expected) {
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        Set<String> values = new TreeSet<>();
        for (String part : Arrays.asList(raw.split(","))) {
            String value = part.trim();
            if (value.isEmpty()) {
                continue;
            }
            if (!pattern.matcher(value).matches()) {
                throw new ConfigException(setting + " contains an invalid value '" + value + "': expected " + expected);
            }
            values.add(value);
        }
        return Collections.unmodifiableList(new ArrayList<>(values));
    }
}
