package io.ecrshare.wiring;

import io.ecrshare.observability.JsonLog;
import org.crac.Context;
import org.crac.Resource;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Every function's SnapStart checkpoint hook: Lambda runs {@link #beforeCheckpoint} once per published
 * version, after the init phase and before it takes the snapshot, so the work of loading the request path
 * (in memory, then one real HTTPS request) is done before the snapshot and never again after a restore.
 * The work uses throwaway clients and credentials only: nothing credential-, time- or randomness-dependent of
 * the function's own components is created before the snapshot (their credentials are resolved on first
 * use, after the restore, by the default chain, which finds SnapStart's container credentials). Best effort:
 * a failure is logged and the snapshot is taken anyway.
 */
public final class SnapStartPriming implements Resource {

    private final JsonLog log;
    private final Supplier<Map<String, ?>> work;

    /** @param work the priming; returns what to log about it */
    public SnapStartPriming(JsonLog log, Supplier<Map<String, ?>> work) {
        this.log = log;
        this.work = work;
    }

    /** Registers this hook; the caller keeps a reference (a CRaC context need not keep its resources reachable). */
    public SnapStartPriming registerWith(Context<Resource> context) {
        context.register(this);
        return this;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        long started = System.nanoTime();
        try {
            Map<String, ?> outcome = work.get();
            log.info("primed for the snapshot", Map.of("ms", (System.nanoTime() - started) / 1_000_000, "outcome", outcome));
        } catch (RuntimeException e) {
            log.warn("priming failed; the first event after a restore loads the request path itself",
                    Map.of("error", String.valueOf(e)));
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to refresh: no credentials, tokens or clock readings were kept from before the snapshot.
    }
}
