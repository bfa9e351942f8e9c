package io.ecrshare.testsupport;

import io.ecrshare.registry.RepositoryRef;
import io.ecrshare.registry.RepositoryRegistry;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Counts the registry calls a decision makes (one per AWS API request, retries aside). */
public final class CountingRegistry implements RepositoryRegistry {

    private final RepositoryRegistry delegate;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    public CountingRegistry(RepositoryRegistry delegate) {
        this.delegate = delegate;
    }

    private void count(String operation) {
        calls.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
    }

    public int calls(String operation) {
        AtomicInteger n = calls.get(operation);
        return n == null ? 0 : n.get();
    }

    public int reads() {
        return calls("ListTagsForResource") + calls("GetRepositoryPolicy");
    }

    public int writes() {
        return calls("SetRepositoryPolicy") + calls("DeleteRepositoryPolicy");
    }

    public Map<String, Integer> snapshot() {
        Map<String, Integer> copy = new TreeMap<>();
        calls.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    public void reset() {
        calls.clear();
    }

    @Override
    public Map<String, String> tags(RepositoryRef repository) {
        count("ListTagsForResource");
        return delegate.tags(repository);
    }

    @Override
    public Optional<String> policy(RepositoryRef repository) {
        count("GetRepositoryPolicy");
        return delegate.policy(repository);
    }

    @Override
    public void setPolicy(RepositoryRef repository, String policyText) {
        count("SetRepositoryPolicy");
        delegate.setPolicy(repository, policyText);
    }

    @Override
    public void deletePolicy(RepositoryRef repository) {
        count("DeleteRepositoryPolicy");
        delegate.deletePolicy(repository);
    }

    @Override
    public void tag(RepositoryRef repository, String key, String value) {
        count("TagResource");
        delegate.tag(repository, key, value);
    }

    @Override
    public void forEachRepository(Consumer<RepositoryRef> action) {
        count("DescribeRepositories");
        delegate.forEachRepository(action);
    }
}
