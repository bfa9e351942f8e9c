package io.ecrshare.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The tag that marks a repository as shared, with the meaning IAM gives the token minting role's condition
 * {@code StringEqualsIgnoreCase aws:ResourceTag/KEY: VALUE}: the tag key is compared case-insensitively (IAM
 * documents tag keys in condition keys as case-insensitive) and the value case-insensitively, without trimming.
 *
 * <p>IAM does not document how far its case folding goes beyond ASCII. The configured key and value are ASCII
 * (validated here), and a repository counts as shared only when every reading agrees: its tag matches by ASCII
 * case folding alone. Anything some plausible Unicode folding would match but ASCII folding would not (a long
 * s 'ſ' for 's', the Kelvin sign for 'k', dotted/dotless i), and a repository with several keys that differ only
 * in case but disagree on the value, is {@link Verdict#AMBIGUOUS}: treated as not shared (fail closed).
 */
public record ShareTag(String key, String value) {

    /** ECR's tag characters (letters, digits, space, _ . : / = + - @), ASCII only so that case folding is unambiguous. */
    private static final Pattern ASCII_TAG_TEXT = Pattern.compile("[A-Za-z0-9 _.:/=+\\-@]+");

    /** The tag ecr-share keeps its write marker in (io.ecrshare.share.WriteMarker): never a sharing signal. */
    public static final String WRITE_MARKER_KEY = "ecr-share:last-write";

    public enum Verdict { SHARED, UNSHARED, AMBIGUOUS }

    /** @param reason what was found, for the decision's audit line */
    public record Reading(Verdict verdict, String reason) {
        public boolean shared() {
            return verdict == Verdict.SHARED;
        }
    }

    public ShareTag {
        if (key == null || key.isEmpty()) {
            throw new ConfigException("SHARE_TAG_KEY must not be empty");
        }
        if (key.length() > 128) {
            throw new ConfigException("SHARE_TAG_KEY is longer than ECR's 128-character tag key limit: " + key);
        }
        if (value == null || value.isEmpty()) {
            throw new ConfigException("SHARE_TAG_VALUE must not be empty");
        }
        if (value.length() > 256) {
            throw new ConfigException("SHARE_TAG_VALUE is longer than ECR's 256-character tag value limit: " + value);
        }
        requireAsciiTagText("SHARE_TAG_KEY", key);
        requireAsciiTagText("SHARE_TAG_VALUE", value);
        if (key.equalsIgnoreCase(WRITE_MARKER_KEY)) {
            throw new ConfigException("SHARE_TAG_KEY must not be " + WRITE_MARKER_KEY + " (ecr-share's write marker)");
        }
        if (key.regionMatches(true, 0, "aws:", 0, 4)) {
            throw new ConfigException("SHARE_TAG_KEY must not start with aws: (reserved by AWS): " + key);
        }
    }

    /** True only when the repository is shared under every reading of IAM's case folding. */
    public boolean isCarriedBy(Map<String, String> tags) {
        return read(tags).shared();
    }

    public Reading read(Map<String, String> tags) {
        List<String> matching = new ArrayList<>();
        List<String> ambiguous = new ArrayList<>();
        int valueMatches = 0;
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            if (asciiEqualsIgnoreCase(tag.getKey(), key)) {
                matching.add(tag.getKey() + "=" + tag.getValue());
                if (asciiEqualsIgnoreCase(tag.getValue(), value)) {
                    valueMatches++;
                } else if (mayFoldEqual(tag.getValue(), value)) {
                    ambiguous.add("value of " + tag.getKey() + " '" + tag.getValue() + "' matches " + value
                            + " only under Unicode case folding");
                }
            } else if (mayFoldEqual(tag.getKey(), key)) {
                ambiguous.add("key " + tag.getKey() + " matches " + key + " only under Unicode case folding");
            }
        }
        if (!ambiguous.isEmpty()) {
            return new Reading(Verdict.AMBIGUOUS, "share tag ambiguous (" + String.join("; ", ambiguous)
                    + "), treated as not tagged " + this);
        }
        if (matching.isEmpty() || valueMatches == 0) {
            return new Reading(Verdict.UNSHARED, "not tagged " + this);
        }
        if (valueMatches < matching.size()) {
            return new Reading(Verdict.AMBIGUOUS, "share tag ambiguous (keys differing only in case disagree: "
                    + String.join(", ", matching) + "), treated as not tagged " + this);
        }
        return new Reading(Verdict.SHARED, "tagged " + this);
    }

    /** Equal when every character is equal or is the same ASCII letter in another case. */
    static boolean asciiEqualsIgnoreCase(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y && (x > 127 || y > 127 || Character.toLowerCase(x) != Character.toLowerCase(y))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether some plausible case-insensitive comparison would call them equal: Java's per-character
     * {@link String#equalsIgnoreCase}, or full lower/upper casing in the root locale or in Turkish.
     */
    static boolean mayFoldEqual(String a, String b) {
        if (a.equalsIgnoreCase(b)) {
            return true;
        }
        for (Locale locale : new Locale[]{Locale.ROOT, Locale.forLanguageTag("tr")}) {
            if (a.toLowerCase(locale).equals(b.toLowerCase(locale)) || a.toUpperCase(locale).equals(b.toUpperCase(locale))) {
                return true;
            }
        }
        return false;
    }

    private static void requireAsciiTagText(String setting, String text) {
        if (!ASCII_TAG_TEXT.matcher(text).matches() || !text.equals(text.strip())) {
            throw new ConfigException(setting + " must be ASCII letters, digits, spaces and _ . : / = + - @, without "
                    + "leading or trailing spaces (IAM compares it case-insensitively, and beyond ASCII that is "
                    + "ambiguous): '" + text + "'");
        }
    }

    /**
     * True when the tags hold this key at all, whatever its value: a replica tagged {@code ecr-share=false}
     * has been decided locally and does not follow its source.
     */
    public boolean isKeyIn(Map<String, String> tags) {
        // Keys compared as IAM compares tag keys (case-insensitively); a lookalike key under any case folding also
        // counts, so an ambiguous local tag stays a local decision (unshared) and is never overridden by a source.
        return tags.keySet().stream().anyMatch(k -> mayFoldEqual(k, key));
    }

    @Override
    public String toString() {
        return key + "=" + value;
    }
}
