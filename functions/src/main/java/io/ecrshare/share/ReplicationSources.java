package io.ecrshare.share;

import io.ecrshare.config.ShareTag;
import io.ecrshare.registry.RepositoryRef;
import io.ecrshare.registry.RepositoryRegistry;
import io.ecrshare.registry.UnknownRepositoryException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replicas stay shared. ECR replication creates the destination repository without the source's tags (only a
 * repository creation template's resourceTags apply), so a repository here that carries no sharing tag key
 * is looked up by name, in the same account, in each configured source Region: when one of those carries the
 * sharing tag, the repository is shared and gets the tag too (so the token minting role's tag condition
 * agrees). A repository tagged here with any value, e.g. ecr-share=false, is decided by its own tag.
 */
public final class ReplicationSources {

    public static final ReplicationSources NONE = new ReplicationSources(null, null, List.of());

    private final RepositoryRegistry registry;
    private final ShareTag tag;
    private final List<String> regions;

    public ReplicationSources(RepositoryRegistry registry, ShareTag tag, List<String> regions) {
        this.registry = registry;
        this.tag = tag;
        this.regions = List.copyOf(regions);
    }

    /** What the source lookup found for a repository. */
    public record Lookup(Optional<String> sharedIn, String note) {
    }

    /** Whether the repository's own tags leave the decision to its source. */
    public boolean decidesFor(Map<String, String> tags) {
        return !regions.isEmpty() && !tag.isKeyIn(tags);
    }

    /**
     * Reads the namesake's tags in each source Region, in order, until one carries the sharing tag. A source
     * that does not exist is noted and skipped; any other error (throttling after retries, access denied)
     * propagates, so nothing is decided from a partial view.
     */
    public Lookup find(RepositoryRef repository) {
        List<String> missing = new ArrayList<>();
        List<String> untagged = new ArrayList<>();
        for (String region : regions) {
            RepositoryRef source = new RepositoryRef(repository.registryId(), region, repository.name());
            try {
                if (tag.isCarriedBy(registry.tags(source))) {
                    return new Lookup(Optional.of(region), "replica of the shared repository in " + region
                            + "; sharing tag copied");
                }
                untagged.add(region);
            } catch (UnknownRepositoryException e) {
                missing.add(region);
            }
        }
        String note = untagged.isEmpty() ? "" : "the repository of that name in " + String.join(", ", untagged) + " is not shared";
        if (!missing.isEmpty()) {
            note += (note.isEmpty() ? "" : "; ") + "no replication source in " + String.join(", ", missing) + " (skipped)";
        }
        return new Lookup(Optional.empty(), note);
    }

    public ShareTag tag() {
        return tag;
    }
}
