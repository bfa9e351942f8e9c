package io.ecrshare.token;

import io.ecrshare.config.Consumers;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The function's own check that a caller is a configured consumer, behind the API's resource policy (which
 * is the precise one). A caller is allowed when its account is a consumer account, its principal matches a
 * consumer principal ARN, or its organization is a consumer organization or the organization of a consumer
 * organization path.
 *
 * <p>Two things only the resource policy can check exactly, because the request context lacks them:
 * <ul>
 *   <li>Role paths: API Gateway reports an assumed-role ARN, which has no path, while a configured role ARN
 *       may have one. Here the role name is matched against the last segment of the configured ARN (and
 *       the account must match); {@code aws:PrincipalArn} in the resource policy includes the path.</li>
 *   <li>Organizational units: only the organization ID is in the request context; the OU part of an
 *       organization path is enforced by {@code aws:PrincipalOrgPaths} in the resource policy.</li>
 * </ul>
 */
public final class CallerAuthorizer {

    private static final Pattern CONFIGURED_ARN =
            Pattern.compile("arn:[a-z-]+:iam::(\\d{12}):(role|user)/(.+)");

    private final Consumers consumers;

    public CallerAuthorizer(Consumers consumers) {
        this.consumers = consumers;
    }

    /** @throws TokenRefusedException 403 unless the caller is a configured consumer */
    public void authorize(Caller caller) {
        if (caller == null || caller.isAnonymous()) {
            throw new TokenRefusedException(403, "AccessDenied", "the request carries no caller identity (IAM authorization is required)");
        }
        if (!isConsumer(caller)) {
            throw new TokenRefusedException(403, "AccessDenied", "caller " + describe(caller) + " is not a configured consumer");
        }
    }

    boolean isConsumer(Caller caller) {
        if (caller.accountId() != null && consumers.accountIds().contains(caller.accountId())) {
            return true;
        }
        if (caller.orgId() != null && (consumers.orgIds().contains(caller.orgId())
                || consumers.orgPaths().stream().anyMatch(path -> path.startsWith(caller.orgId() + "/")))) {
            return true;
        }
        return consumers.principalArns().stream().anyMatch(pattern -> principalMatches(pattern, caller));
    }

    static boolean principalMatches(String configuredArn, Caller caller) {
        Matcher m = CONFIGURED_ARN.matcher(configuredArn);
        if (!m.matches() || !m.group(1).equals(caller.principalAccountId())) {
            return false;
        }
        String kind = m.group(2);
        String resource = m.group(3);
        if (kind.equals("role")) {
            String role = caller.roleName();
            if (role == null) {
                return false;
            }
            // "role/*" and "role/team/*" match any role name; "role/team/puller-*" matches by its last segment.
            String namePattern = resource.substring(resource.lastIndexOf('/') + 1);
            return glob(namePattern).matcher(role).matches();
        }
        String user = caller.userResource();
        return user != null && glob("user/" + resource).matcher(user).matches();
    }

    /** IAM ARN wildcards: * is any run of characters, ? is one character. */
    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    private static String describe(Caller caller) {
        List<String> parts = new java.util.ArrayList<>();
        parts.add(caller.arn() != null ? Caller.bounded(caller.arn(), Caller.ECHO_LENGTH)
                : "in account " + Caller.bounded(caller.accountId(), Caller.ECHO_LENGTH));
        if (caller.orgId() != null) {
            parts.add("organization " + Caller.bounded(caller.orgId(), Caller.ECHO_LENGTH));
        }
        return String.join(", ", parts);
    }
}
