package io.ecrshare.config;

import java.util.Locale;

/**
 * merge: keep every statement that is not ours. exclusive: also drop, on shared repositories,
 * statements that grant access to principals that are neither the owner nor a configured consumer.
 */
public enum EnforcementMode {
    MERGE, EXCLUSIVE;

    public static EnforcementMode parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return MERGE;
        }
        try {
            return valueOf(raw.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("ENFORCEMENT_MODE must be 'merge' or 'exclusive', got: " + raw);
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
