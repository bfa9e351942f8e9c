package io.ecrshare.testsupport;

import io.ecrshare.registry.RepositoryRef;
import io.ecrshare.registry.RepositoryRegistry;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A registry whose next policy write is preceded by something else happening in the real registry: the hook
 * between ecr-share's read and its write where a person's edit lands (ECR has no conditional write).
 */
public final class RacingRegistry implements RepositoryRegistry {

    private final RepositoryRegistry delegate;
    private final AtomicReference<Runnable> beforeNextWrite = new AtomicReference<>();

    public RacingRegistry(RepositoryRegistry delegate) {
        this.delegate = delegate;
    }

    /** Runs once, just before the next SetRepositoryPolicy or DeleteRepositoryPolicy reaches the registry. */
    public void beforeNextWrite(Runnable race) {
        beforeNextWrite.set(race);
    }

    private void race() {
        Runnable race = beforeNextWrite.getAndSet(null);
        if (race != null) {
            race.run();
        }
    }

    @Override
    public Map<String, String> tags(RepositoryRef repository) {
        return delegate.tags(repository);
    }

    @Override
    public Optional<String> policy(RepositoryRef repository) {
        return delegate.policy(repository);
    }

    @Override
    public void setPolicy(RepositoryRef repository, String policyText) {
        race();
        delegate.setPolicy(repository, policyText);
    }

    @Override
    public void deletePolicy(RepositoryRef repository) {
        race();
        delegate.deletePolicy(repository);
    }

    @Override
    public void tag(RepositoryRef repository, String key, String value) {
        delegate.tag(repository, key, value);
    }

    @Override
    public void forEachRepository(Consumer<RepositoryRef> action) {
        delegate.forEachRepository(action);
    }
}
