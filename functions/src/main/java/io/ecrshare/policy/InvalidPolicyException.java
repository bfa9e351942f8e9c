package io.ecrshare.policy;

/** A stored repository policy that is not a JSON policy document we can merge into. */
public final class InvalidPolicyException extends RuntimeException {
    public InvalidPolicyException(String message) {
        super(message);
    }
}
