package io.ecrshare.registry;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The port to the container registry: the few reads and writes the sharing decisions need. A repository's
 * Region is part of its {@link RepositoryRef}: reads may name another Region (a replica's source).
 */
public interface RepositoryRegistry {

    /** @throws UnknownRepositoryException when the repository is gone */
    Map<String, String> tags(RepositoryRef repository);

    /** The stored policy text, or empty when the repository has none. @throws UnknownRepositoryException */
    Optional<String> policy(RepositoryRef repository);

    /** @throws PolicyRejectedException when ECR refuses the policy; @throws UnknownRepositoryException */
    void setPolicy(RepositoryRef repository, String policyText);

    /** Deletes the policy; a policy that is already gone counts as deleted. @throws UnknownRepositoryException */
    void deletePolicy(RepositoryRef repository);

    /** Sets (or overwrites) one tag: ecr-share's write marker, and the sharing tag on a replica. @throws UnknownRepositoryException */
    void tag(RepositoryRef repository, String key, String value);

    /** Every repository of the registry in this Region, page by page. */
    void forEachRepository(Consumer<RepositoryRef> action);
}
