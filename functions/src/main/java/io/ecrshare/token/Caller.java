package io.ecrshare.token;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who called, as API Gateway's IAM authorization established it ({@code requestContext.identity}):
 * the account, the principal ARN ({@code userArn}) and, for callers in an organization, its ID.
 * Any of them may be null when API Gateway had nothing to put there.
 */
public record Caller(String accountId, String arn, String orgId) {

    // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION (an assumed-role ARN carries no role path)
    private static final Pattern ASSUMED_ROLE =
            Pattern.compile("arn:(aws[a-z-]*):sts::(\\d{12}):assumed-role/([\\w+=,.@-]+)/([\\w+=,.@-]+)");
    // arn:aws:iam::ACCOUNT:user/PATH/NAME, or arn:aws:iam::ACCOUNT:root
    private static final Pattern IAM_PRINCIPAL =
            Pattern.compile("arn:(aws[a-z-]*):iam::(\\d{12}):(user/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]+)|root)");

    public Caller {
        accountId = blankToNull(accountId);
        arn = blankToNull(arn);
        orgId = blankToNull(orgId);
    }

    /** IAM's longest ARN: an identity longer than this is not one AWS issued. */
    public static final int MAX_ARN_LENGTH = 2048;
    /** How much of a caller's ARN a refusal repeats back to the caller. */
    public static final int ECHO_LENGTH = 256;

    /**
     * The text, at most {@code limit} characters: a longer one is cut and says how long it was, so neither a
     * response body nor a log line grows with what a caller (or a direct invocation) sends.
     */
    public static String bounded(String text, int limit) {
        if (text == null || text.length() <= limit) {
            return text;
        }
        return text.substring(0, limit) + "...(" + text.length() + " characters)";
    }

    public boolean isAnonymous() {
        return accountId == null && arn == null;
    }

    /** The account the principal ARN names (falls back to {@code accountId} for unparseable ARNs). */
    public String principalAccountId() {
        Matcher role = ASSUMED_ROLE.matcher(arn == null ? "" : arn);
        if (role.matches()) {
            return role.group(2);
        }
        Matcher iam = IAM_PRINCIPAL.matcher(arn == null ? "" : arn);
        return iam.matches() ? iam.group(2) : accountId;
    }

    /** Role name for an assumed-role caller, else null. */
    public String roleName() {
        Matcher m = ASSUMED_ROLE.matcher(arn == null ? "" : arn);
        return m.matches() ? m.group(3) : null;
    }

    /** The caller's own session name for an assumed-role caller (e.g. an instance ID), else null. */
    public String roleSessionName() {
        Matcher m = ASSUMED_ROLE.matcher(arn == null ? "" : arn);
        return m.matches() ? m.group(4) : null;
    }

    /** "user/PATH/NAME" for an IAM user caller, else null. */
    public String userResource() {
        Matcher m = IAM_PRINCIPAL.matcher(arn == null ? "" : arn);
        return m.matches() && m.group(3).startsWith("user/") ? m.group(3) : null;
    }

    /** Short name of the principal for session names: role name, user name, "root", or "unknown". */
    public String principalName() {
        String role = roleName();
        if (role != null) {
            return role;
        }
        Matcher m = IAM_PRINCIPAL.matcher(arn == null ? "" : arn);
        if (m.matches()) {
            return m.group(4) != null ? m.group(4) : "root";
        }
        return "unknown";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
