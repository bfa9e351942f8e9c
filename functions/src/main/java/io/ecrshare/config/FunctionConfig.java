package io.ecrshare.config;

import java.util.Map;
import java.util.Optional;

/**
 * The one typed configuration of every function and the CLI: read from the environment once, at cold start,
 * and either fully valid or refused with one {@link ConfigException} naming the bad value. Wiring only wires
 * what this holds; nothing else reads the environment for settings.
 *
 * @param sharing                what is shared with whom ({@link ShareConfig})
 * @param policyRejectedAttempts how often to try a policy ECR rejects as invalid before failing (IAM propagation)
 * @param reconcileConcurrency   repositories a reconcile works on at once
 * @param notificationTopicArn   SNS topic for correction notices, if any
 * @param tokenRoleArn           the role whose sessions mint tokens (the token function's only)
 * @param tokenCacheScope        who shares a cached token: each caller session (default) or each role
 * @param revokeOnDelete         deleting the stack removes the managed statements from every repository
 */
public record FunctionConfig(ShareConfig sharing, int policyRejectedAttempts, int reconcileConcurrency,
                             Optional<String> notificationTopicArn, Optional<String> tokenRoleArn,
                             TokenCacheScope tokenCacheScope, boolean revokeOnDelete) {

    public static final String POLICY_REJECTED_ATTEMPTS = "POLICY_REJECTED_ATTEMPTS";
    public static final String RECONCILE_CONCURRENCY = "RECONCILE_CONCURRENCY";
    public static final String NOTIFICATION_TOPIC_ARN = "NOTIFICATION_TOPIC_ARN";
    public static final String TOKEN_ROLE_ARN = "TOKEN_ROLE_ARN";
    public static final String TOKEN_CACHE_SCOPE = "TOKEN_CACHE_SCOPE";
    /** "true": deleting the stack removes the managed statements from every repository (RevokeOnDelete). */
    public static final String REVOKE_ON_DELETE = "REVOKE_ON_DELETE";

    public static FunctionConfig fromEnvironment(Map<String, String> env) {
        ShareConfig sharing = ShareConfig.fromEnvironment(env);
        int attempts = intSetting(env, POLICY_REJECTED_ATTEMPTS, 4, 1, 10);
        int concurrency = intSetting(env, RECONCILE_CONCURRENCY, 8, 1, 64);
        Optional<String> topic = optional(env, NOTIFICATION_TOPIC_ARN);
        Optional<String> tokenRole = optional(env, TOKEN_ROLE_ARN);
        if (tokenRole.isPresent() && !AwsIds.ROLE_ARN.matcher(tokenRole.get()).matches()) {
            throw new ConfigException(TOKEN_ROLE_ARN + " must be an IAM role ARN, got: " + tokenRole.get());
        }
        TokenCacheScope cacheScope = TokenCacheScope.parse(TOKEN_CACHE_SCOPE, env.get(TOKEN_CACHE_SCOPE));
        return new FunctionConfig(sharing, attempts, concurrency, topic, tokenRole, cacheScope,
                flag(env, REVOKE_ON_DELETE));
    }

    private static boolean flag(Map<String, String> env, String name) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return false;
        }
        return switch (raw.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(name + " must be true or false, got: " + raw);
        };
    }

    /** The minting role, which only the token function needs: its absence stops that function at cold start. */
    public String requireTokenRoleArn() {
        return tokenRoleArn.orElseThrow(() -> new ConfigException(
                TOKEN_ROLE_ARN + " is not set: the ARN of the role whose sessions mint tokens"));
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        String raw = env.get(name);
        return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(raw.trim());
    }

    private static int intSetting(Map<String, String> env, String name, int fallback, int min, int max) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(name + " must be a whole number from " + min + " to " + max + ", got: " + raw);
    }
}
