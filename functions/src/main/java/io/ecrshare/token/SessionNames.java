package io.ecrshare.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The RoleSessionName of the session that mints a caller's token. ECR's CloudTrail records show it as
 * {@code userIdentity.arn = arn:aws:sts::OWNER:assumed-role/TOKEN_ROLE/SESSION}, so every pull with the
 * token is attributed to the consumer: {@code ACCOUNT.PRINCIPAL[.CALLER_SESSION]}, e.g.
 * {@code 333333333333.puller.i-0abc123}. STS allows 2-64 characters of {@code [\w+=,.@-]}; other characters
 * become '-', and a name too long keeps its start plus a hash of the whole, so it stays unique and stable.
 */
public final class SessionNames {

    static final int MAX_LENGTH = 64;
    private static final int HASH_CHARS = 10;

    private SessionNames() {
    }

    public static String forCaller(Caller caller) {
        String account = caller.principalAccountId() == null ? "unknown" : caller.principalAccountId();
        StringBuilder name = new StringBuilder(account).append('.').append(caller.principalName());
        if (caller.roleSessionName() != null) {
            name.append('.').append(caller.roleSessionName());
        }
        return fit(name.toString());
    }

    /** One session per role, for {@code TokenCacheScope.ROLE}: {@code ACCOUNT.ROLE}. */
    public static String forRole(Caller caller) {
        String account = caller.principalAccountId() == null ? "unknown" : caller.principalAccountId();
        return fit(account + "." + caller.principalName());
    }

    static String fit(String raw) {
        String clean = raw.replaceAll("[^\\w+=,.@-]", "-");
        if (clean.length() <= MAX_LENGTH) {
            return clean;
        }
        String hash = sha256Hex(raw).substring(0, HASH_CHARS);
        return clean.substring(0, MAX_LENGTH - HASH_CHARS - 1) + "-" + hash;
    }

    private static String sha256Hex(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
