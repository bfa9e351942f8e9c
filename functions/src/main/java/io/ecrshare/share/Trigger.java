package io.ecrshare.share;

/** Why a repository is being converged. It changes how a write is reported, never what is written. */
public enum Trigger {
    /** Created, tagged or untagged: adding the standard statements is a grant. */
    SHARING_CHANGE,
    /** Someone set or deleted the policy: putting the standard statements back is a restoration. */
    POLICY_CHANGE,
    /** The scheduled or post-deploy sweep, and plan mode. */
    SWEEP
}
