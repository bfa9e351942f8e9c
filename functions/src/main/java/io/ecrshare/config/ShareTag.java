package io.ecrshare.config;

import java.util.Locale;
import java.util.Map;

/** The tag that marks a repository as shared. The value is compared case-insensitively ("true" == "TRUE"). */
public record ShareTag(String key, String value) {

    public ShareTag {
        if (key == null || key.isBlank()) {
            throw new ConfigException("SHARE_TAG_KEY must not be empty");
        }
        if (key.length() > 128) {
            throw new ConfigException("SHARE_TAG_KEY is longer than ECR's 128-character tag key limit: " + key);
        }
        if (value == null || value.isBlank()) {
            throw new ConfigException("SHARE_TAG_VALUE must not be empty");
        }
        if (value.length() > 256) {
            throw new ConfigException("SHARE_TAG_VALUE is longer than ECR's 256-character tag value limit: " + value);
        }
    }

    /** True when the tags carry this key with this value (tag keys are case-sensitive in ECR, values are not here). */
    public boolean isCarriedBy(Map<String, String> tags) {
        String actual = tags.get(key);
        return actual != null && actual.trim().toLowerCase(Locale.ROOT).equals(value.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * True when the tags hold this key at all, whatever its value: a replica tagged {@code ecr-share=false}
     * has been decided locally and does not follow its source.
     */
    public boolean isKeyIn(Map<String, String> tags) {
        // Key compared as IAM compares tag keys (case-insensitively).
        return tags.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(key));
    }

    @Override
    public String toString() {
        return key + "=" + value;
    }
}
