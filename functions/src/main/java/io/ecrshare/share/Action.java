package io.ecrshare.share;

import java.util.Locale;

/** What a decision did to a repository's policy, as written in logs and plans. */
public enum Action {
    /** The standard statements were added to a repository that had none. */
    GRANTED,
    /** Managed statements were tampered with (or outsiders removed) and were put back to the standard. */
    RESTORED,
    /** The repository is no longer shared: managed statements removed (policy deleted when nothing remains). */
    REVOKED,
    /** The policy already was what it should be: no write. */
    UNCHANGED,
    /** Nothing was examined (our own event, a deleted repository, a resource that is not a repository). */
    SKIPPED,
    /** The decision could not be carried out. */
    FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
