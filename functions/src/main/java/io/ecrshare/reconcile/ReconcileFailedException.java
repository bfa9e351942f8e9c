package io.ecrshare.reconcile;

import io.ecrshare.share.ReconcileReport;

/** Thrown after a full sweep when some repositories failed, so the invocation fails and alarms fire. */
public final class ReconcileFailedException extends RuntimeException {
    public ReconcileFailedException(ReconcileReport report) {
        super(report.failures().size() + " of " + report.entries().size() + " repositories failed: "
                + String.join("; ", report.failures().stream().limit(20)
                .map(f -> f.repository() + " (" + f.reason() + ")").toList())
                + (report.failures().size() > 20 ? "; ..." : ""));
    }
}
