package io.ecrshare.registry;

/**
 * ECR refused the policy as invalid (InvalidParameterException), most often "Principal not found" while a
 * consumer's new role is still propagating in IAM. Worth a few spaced retries, never endless ones.
 */
public final class PolicyRejectedException extends RuntimeException {
    public PolicyRejectedException(String repository, String reason) {
        super("ECR rejected the policy for repository '" + repository + "': " + reason);
    }
}
