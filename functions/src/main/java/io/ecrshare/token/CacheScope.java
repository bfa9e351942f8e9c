package io.ecrshare.token;

import io.ecrshare.config.ConfigException;

import java.util.Locale;

/**
 * Who shares one cached token, and so whom the minting session (and every pull made with its token, in
 * ECR's CloudTrail records) is attributed to. {@link #SESSION}, the default: each caller session (e.g. each
 * instance) gets its own token, minted in a session named after it. {@link #ROLE}: all sessions of one
 * assumed role share a token minted in a session named after the role, so a booting fleet of one role costs
 * one STS + ECR round trip per Lambda instance instead of one per host; pulls are then attributed to the
 * role only (the function's own log line still names each calling session). Non-role callers (IAM users,
 * root) are keyed by their ARN either way.
 */
public enum CacheScope {
    SESSION, ROLE;

    /** Environment variable (template parameter TokenCacheScope). */
    public static final String TOKEN_CACHE_SCOPE = "TOKEN_CACHE_SCOPE";

    public static CacheScope parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return SESSION;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "session" -> SESSION;
            case "role" -> ROLE;
            default -> throw new ConfigException(TOKEN_CACHE_SCOPE + " must be Session or Role, got: " + raw);
        };
    }

    /** The cache key of one caller's tokens for one set of registries (order does not matter). */
    String key(Caller caller, java.util.List<String> registryIds) {
        String who;
        if (this == ROLE && caller.roleName() != null) {
            who = "role:" + caller.principalAccountId() + ":" + caller.roleName();
        } else {
            who = caller.arn() != null ? caller.arn() : "account:" + caller.accountId();
        }
        return who + "|" + String.join(",", registryIds.stream().sorted().toList());
    }

    /** The RoleSessionName of the session that mints a token for this key. */
    String sessionName(Caller caller) {
        return this == ROLE && caller.roleName() != null ? SessionNames.forRole(caller) : SessionNames.forCaller(caller);
    }
}
