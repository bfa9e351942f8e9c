package io.ecrshare.token;

/**
 * A request the endpoint answers with an error status. The message goes to the caller, so it names what
 * was wrong with the request and never carries a stack trace, a token or credentials.
 */
public final class TokenRefusedException extends RuntimeException {

    private final int status;
    private final String code;
    private final Integer retryAfterSeconds;

    public TokenRefusedException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public TokenRefusedException(int status, String code, String message, Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static TokenRefusedException badRequest(String code, String message) {
        return new TokenRefusedException(400, code, message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Seconds a throttled caller should wait; null unless the status is 429. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
