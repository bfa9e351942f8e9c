package io.ecrshare.policy;

/** The desired policy would exceed ECR's limit; it is never written. Permanent: retrying cannot help. */
public final class PolicyTooLargeException extends RuntimeException {
    private final String repository;
    private final int size;

    public PolicyTooLargeException(String repository, int size) {
        super("desired policy for repository '" + repository + "' is " + size + " characters, over ECR's limit of "
                + PolicyDocument.MAX_LENGTH + "; not written (shorten the consumer lists or use organization IDs)");
        this.repository = repository;
        this.size = size;
    }

    public String repository() {
        return repository;
    }

    public int size() {
        return size;
    }
}
