package io.ecrshare.share;

import io.ecrshare.config.ShareTag;
import io.ecrshare.policy.PolicyDocument;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;

/**
 * What ecr-share last wrote to a repository's policy, kept as a repository tag next to it (ECR has no conditional
 * write, so this is how a later event can tell whether anyone but ecr-share wrote since):
 * {@code ecr-share:last-write = 1:<basisFrom>:<basisTo>:<writtenAt>:<digest>} (epoch milliseconds; 88 characters,
 * within ECR's 256 per tag value).
 *
 * @param basisFrom earliest time the policy our write was derived from can have been written
 * @param basisTo   latest time it can have been written: a person's edit that certainly happened after this
 *                  cannot have been in what we read, so if our write is still current, it overwrote that edit
 * @param writtenAt when our SetRepositoryPolicy/DeleteRepositoryPolicy returned (the Lambda clock)
 * @param digest    {@link #digest} of the policy we wrote
 */
public record WriteMarker(long basisFrom, long basisTo, long writtenAt, String digest) {

    /** Never a sharing signal (ShareTag refuses it as a key) and never removed by ecr-share. */
    public static final String TAG_KEY = ShareTag.WRITE_MARKER_KEY;
    private static final String VERSION = "1";
    private static final String NO_POLICY = "none";

    public String format() {
        return String.join(":", VERSION, Long.toString(basisFrom), Long.toString(basisTo), Long.toString(writtenAt), digest);
    }

    /** The marker in a tag value; empty when absent or not one of ours (then nothing is known: fail safe). */
    public static Optional<WriteMarker> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = value.split(":");
        if (parts.length != 5 || !VERSION.equals(parts[0])) {
            return Optional.empty();
        }
        try {
            return Optional.of(new WriteMarker(Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3]),
                    parts[4]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * SHA-256 of the policy's canonical form (ECR re-formats what it stores, so the text itself would not match),
     * base64url; "none" for no policy.
     */
    public static String digest(Optional<PolicyDocument> policy) {
        if (policy.isEmpty()) {
            return NO_POLICY;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(policy.get().canonicalJson().getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** True when the policy is, as parsed JSON, exactly what this marker says ecr-share wrote. */
    public boolean wrote(Optional<PolicyDocument> policy) {
        return digest.equals(digest(policy));
    }
}
