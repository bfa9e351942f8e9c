package io.ecrshare.registry;

/** The repository no longer exists (deleted between the event and our read): nothing to do. */
public final class UnknownRepositoryException extends RuntimeException {
    public UnknownRepositoryException(String repository) {
        super("repository '" + repository + "' does not exist");
    }
}
