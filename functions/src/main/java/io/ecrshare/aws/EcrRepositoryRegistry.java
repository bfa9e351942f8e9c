package io.ecrshare.aws;

import io.ecrshare.registry.PolicyRejectedException;
import io.ecrshare.registry.RepositoryRef;
import io.ecrshare.registry.RepositoryRegistry;
import io.ecrshare.registry.UnknownRepositoryException;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.InvalidParameterException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.ecr.model.RepositoryPolicyNotFoundException;
import software.amazon.awssdk.services.ecr.model.Tag;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@link RepositoryRegistry} on Amazon ECR. Throttling and 5xx are retried by the client's retry strategy.
 * A repository in another Region (a replica's source) is read with that Region's client.
 */
public final class EcrRepositoryRegistry implements RepositoryRegistry {

    /** DescribeRepositories' maximum page size: fewest calls for a full sweep. */
    static final int PAGE_SIZE = 1000;

    private final EcrClient ecr;
    private final String region;
    private final Function<String, EcrClient> otherRegions;

    /** A registry of one Region only. */
    public EcrRepositoryRegistry(EcrClient ecr) {
        this(ecr, other -> {
            throw new IllegalStateException("no ECR client for Region " + other + " (no replication source Regions configured)");
        });
    }

    /** @param otherRegions the ECR client of another Region, by name (built once per Region by AwsClients) */
    public EcrRepositoryRegistry(EcrClient ecr, Function<String, EcrClient> otherRegions) {
        this.ecr = ecr;
        this.region = ecr.serviceClientConfiguration().region().id();
        this.otherRegions = otherRegions;
    }

    private EcrClient clientFor(RepositoryRef repository) {
        return repository.region() == null || repository.region().equals(region) ? ecr : otherRegions.apply(repository.region());
    }

    @Override
    public Map<String, String> tags(RepositoryRef repository) {
        try {
            Map<String, String> tags = new LinkedHashMap<>();
            for (Tag tag : clientFor(repository).listTagsForResource(r -> r.resourceArn(repository.arn())).tags()) {
                tags.put(tag.key(), tag.value());
            }
            return tags;
        } catch (RepositoryNotFoundException e) {
            throw new UnknownRepositoryException(repository.name());
        }
    }

    @Override
    public Optional<String> policy(RepositoryRef repository) {
        try {
            return Optional.of(ecr.getRepositoryPolicy(r -> r.registryId(repository.registryId())
                    .repositoryName(repository.name())).policyText());
        } catch (RepositoryPolicyNotFoundException e) {
            return Optional.empty();
        } catch (RepositoryNotFoundException e) {
            throw new UnknownRepositoryException(repository.name());
        }
    }

    @Override
    public void setPolicy(RepositoryRef repository, String policyText) {
        try {
            ecr.setRepositoryPolicy(r -> r.registryId(repository.registryId()).repositoryName(repository.name())
                    .policyText(policyText));
        } catch (InvalidParameterException e) {
            throw new PolicyRejectedException(repository.name(), e.awsErrorDetails().errorMessage());
        } catch (RepositoryNotFoundException e) {
            throw new UnknownRepositoryException(repository.name());
        }
    }

    @Override
    public void deletePolicy(RepositoryRef repository) {
        try {
            ecr.deleteRepositoryPolicy(r -> r.registryId(repository.registryId()).repositoryName(repository.name()));
        } catch (RepositoryPolicyNotFoundException e) {
            // Already gone: the outcome we wanted.
        } catch (RepositoryNotFoundException e) {
            throw new UnknownRepositoryException(repository.name());
        }
    }

    @Override
    public void tag(RepositoryRef repository, String key, String value) {
        try {
            clientFor(repository).tagResource(r -> r.resourceArn(repository.arn()).tags(Tag.builder().key(key).value(value).build()));
        } catch (RepositoryNotFoundException e) {
            throw new UnknownRepositoryException(repository.name());
        }
    }

    @Override
    public void forEachRepository(Consumer<RepositoryRef> action) {
        ecr.describeRepositoriesPaginator(r -> r.maxResults(PAGE_SIZE)).repositories()
                .forEach(repo -> action.accept(new RepositoryRef(repo.registryId(), region, repo.repositoryName())));
    }
}
