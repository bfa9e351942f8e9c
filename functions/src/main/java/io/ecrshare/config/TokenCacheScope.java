package io.ecrshare.config;

import java.util.Locale;

/**
 * Who shares one cached token of the token endpoint, and so whom the minting session (and every pull made
 * with its token, in ECR's CloudTrail records) is attributed to (template parameter TokenCacheScope).
 * {@link #SESSION}, the default: each caller session (e.g. each instance) gets its own token, minted in a
 * session named after it. {@link #ROLE}: all sessions of one assumed role share a token minted in a session
 * named after the role, so a booting fleet of one role costs one STS + ECR round trip per Lambda instance
 * instead of one per host; pulls are then attributed to the role only (the function's own log line still
 * names each calling session). Non-role callers (IAM users, root) are keyed by their ARN either way.
 */
public enum TokenCacheScope {
    SESSION, ROLE;

    static TokenCacheScope parse(String name, String raw) {
        if (raw == null || raw.isBlank()) {
            return SESSION;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "session" -> SESSION;
            case "role" -> ROLE;
            default -> throw new ConfigException(name + " must be Session or Role, got: " + raw);
        };
    }
}
