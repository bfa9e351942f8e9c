package io.ecrshare.share;

import io.ecrshare.observability.JsonLog;
import io.ecrshare.registry.RepositoryRef;
import io.ecrshare.registry.RepositoryRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Walks every repository of the registry and applies the same decision as the event handlers (grant,
 * restore, revoke), a bounded number at a time. A failure on one repository is recorded and the sweep goes
 * on; the report lists every failure at the end.
 */
public final class Reconciler {

    private final RepositoryRegistry registry;
    private final RepositoryConverger converger;
    private final DecisionRecorder recorder;
    private final JsonLog log;
    private final int concurrency;

    public Reconciler(RepositoryRegistry registry, RepositoryConverger converger, DecisionRecorder recorder,
                      JsonLog log, int concurrency) {
        this.registry = registry;
        this.converger = converger;
        this.recorder = recorder;
        this.log = log;
        this.concurrency = concurrency;
    }

    public ReconcileReport run(boolean dryRun, String trigger) {
        return run(dryRun, false, trigger);
    }

    /**
     * @param revokeAll remove the managed statements from every repository whatever its tags (stack deleted with
     *                  RevokeOnDelete, or its preview)
     */
    public ReconcileReport run(boolean dryRun, boolean revokeAll, String trigger) {
        long start = System.nanoTime();
        ConcurrentLinkedQueue<ReconcileReport.Entry> entries = new ConcurrentLinkedQueue<>();
        Map<String, Object> context = Map.of("trigger", trigger);
        // The semaphore keeps at most 2x concurrency repositories queued, so memory stays flat at any size.
        Semaphore slots = new Semaphore(concurrency * 2);
        ExecutorService workers = Executors.newFixedThreadPool(concurrency);
        List<Future<?>> pending = new ArrayList<>();
        try {
            registry.forEachRepository(repository -> {
                acquire(slots);
                pending.add(workers.submit(() -> {
                    try {
                        entries.add(converge(repository, dryRun, revokeAll, context));
                    } finally {
                        slots.release();
                    }
                }));
            });
            for (Future<?> future : pending) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("reconcile interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("reconcile worker failed", e.getCause());
        } finally {
            workers.shutdownNow();
        }
        ReconcileReport report = new ReconcileReport(dryRun, new ArrayList<>(entries), (System.nanoTime() - start) / 1_000_000);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("trigger", trigger);
        summary.put("dryRun", dryRun);
        if (revokeAll) {
            summary.put("revokeAll", true);
        }
        summary.put("repositories", report.entries().size());
        summary.put("elapsedMillis", report.elapsedMillis());
        Map<String, Integer> totals = new LinkedHashMap<>();
        report.totals().forEach((action, n) -> totals.put(action.label(), n));
        summary.put("totals", totals);
        summary.put("failures", report.failures().stream().map(ReconcileReport.Entry::repository).toList());
        if (report.failures().isEmpty()) {
            log.info("reconcile finished", summary);
        } else {
            log.error("reconcile finished with failures", summary);
        }
        recorder.flush();
        return report;
    }

    private ReconcileReport.Entry converge(RepositoryRef repository, boolean dryRun, boolean revokeAll,
                                           Map<String, Object> context) {
        try {
            Decision decision = revokeAll ? converger.revoke(repository, dryRun)
                    : converger.converge(repository, dryRun, Trigger.SWEEP);
            if (decision.action() == Action.UNCHANGED && !dryRun && decision.lookalikes().isEmpty()) {
                recorder.count(decision);
            } else {
                recorder.record(decision, context, dryRun);
            }
            return new ReconcileReport.Entry(repository.name(), decision.action(), decision.reason());
        } catch (RuntimeException e) {
            recorder.failure(repository.name(), context, e);
            return new ReconcileReport.Entry(repository.name(), Action.FAILED,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static void acquire(Semaphore slots) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("reconcile interrupted", e);
        }
    }
}
