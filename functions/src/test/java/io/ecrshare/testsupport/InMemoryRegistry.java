package io.ecrshare.testsupport;

import io.ecrshare.registry.RepositoryRef;
import io.ecrshare.registry.RepositoryRegistry;
import io.ecrshare.registry.UnknownRepositoryException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The registry port in memory, for tests of the orchestration (event processing, reconcile) that need no
 * SDK: milliseconds instead of moto. Follows the port's contract, which the ECR adapter implements from the ECR
 * API reference: an unknown repository is {@link UnknownRepositoryException} (RepositoryNotFoundException),
 * GetRepositoryPolicy of a repository without one is empty (RepositoryPolicyNotFoundException), deleting an
 * absent policy counts as deleted. The ECR adapter itself stays tested against moto and {@link FakeEcr}.
 */
public final class InMemoryRegistry implements RepositoryRegistry {

    public static final String ACCOUNT = "123456789012";
    public static final String REGION = "us-east-1";

    private final Map<String, Map<String, String>> tags = new TreeMap<>();
    private final Map<String, String> policies = new TreeMap<>();
    private final Map<String, RuntimeException> failures = new TreeMap<>();
    /** Every call, as "Operation repository", in order. */
    public final List<String> calls = new ArrayList<>();

    public synchronized InMemoryRegistry repository(String name, Map<String, String> repositoryTags) {
        tags.put(name, new TreeMap<>(repositoryTags));
        return this;
    }

    public synchronized InMemoryRegistry policy(String name, String text) {
        policies.put(name, text);
        return this;
    }

    /** Every call on this repository fails with the given exception. */
    public synchronized InMemoryRegistry failing(String name, RuntimeException failure) {
        failures.put(name, failure);
        return this;
    }

    public synchronized Optional<String> storedPolicy(String name) {
        return Optional.ofNullable(policies.get(name));
    }

    public synchronized long writes() {
        return calls.stream().filter(c -> c.startsWith("Set") || c.startsWith("Delete") || c.startsWith("Tag")).count();
    }

    public static RepositoryRef ref(String name) {
        return new RepositoryRef(ACCOUNT, REGION, name);
    }

    private void enter(String operation, RepositoryRef repository) {
        calls.add(operation + " " + repository.name());
        RuntimeException failure = failures.get(repository.name());
        if (failure != null) {
            throw failure;
        }
        if (!tags.containsKey(repository.name())) {
            throw new UnknownRepositoryException(repository.name());
        }
    }

    @Override
    public synchronized Map<String, String> tags(RepositoryRef repository) {
        enter("ListTagsForResource", repository);
        return Map.copyOf(tags.get(repository.name()));
    }

    @Override
    public synchronized Optional<String> policy(RepositoryRef repository) {
        enter("GetRepositoryPolicy", repository);
        return Optional.ofNullable(policies.get(repository.name()));
    }

    @Override
    public synchronized void setPolicy(RepositoryRef repository, String policyText) {
        enter("SetRepositoryPolicy", repository);
        policies.put(repository.name(), policyText);
    }

    @Override
    public synchronized void deletePolicy(RepositoryRef repository) {
        enter("DeleteRepositoryPolicy", repository);
        policies.remove(repository.name());
    }

    @Override
    public synchronized void tag(RepositoryRef repository, String key, String value) {
        enter("TagResource", repository);
        Map<String, String> updated = new java.util.TreeMap<>(tags.get(repository.name()));
        updated.put(key, value);
        tags.put(repository.name(), updated);
    }

    @Override
    public void forEachRepository(Consumer<RepositoryRef> action) {
        List<String> names;
        synchronized (this) {
            calls.add("DescribeRepositories");
            names = new ArrayList<>(tags.keySet());
        }
        names.forEach(name -> action.accept(ref(name)));
    }
}
