package io.ecrshare.share;

import io.ecrshare.observability.EmbeddedMetrics;
import io.ecrshare.observability.JsonLog;
import io.ecrshare.policy.PolicyDocument;
import io.ecrshare.policy.PolicyMerger.Removal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the audit record of a decision (one JSON log line) and counts it in the function's metrics, so
 * every function reports decisions the same way.
 */
public final class DecisionRecorder {

    private final JsonLog log;
    private final EmbeddedMetrics metrics;

    public DecisionRecorder(JsonLog log, EmbeddedMetrics metrics) {
        this.log = log;
        this.metrics = metrics;
    }

    /**
     * @param context where the decision came from: eventName, actor, sourceEvent (or mode for a reconcile)
     */
    public void record(Decision decision, Map<String, ?> context, boolean dryRun) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("repository", decision.repository());
        fields.putAll(context);
        fields.put("action", decision.action().label());
        fields.put("reason", decision.reason());
        if (dryRun) {
            fields.put("dryRun", true);
        }
        if (decision.writes()) {
            fields.put("write", decision.write().name().toLowerCase(Locale.ROOT));
            fields.put("policyBefore", decision.before().map(PolicyDocument::asJson).orElse(null));
            fields.put("policyAfter", decision.after().map(PolicyDocument::asJson).orElse(null));
        }
        if (!decision.restoredSids().isEmpty()) {
            fields.put("restoredStatements", decision.restoredSids());
        }
        if (!decision.removed().isEmpty()) {
            fields.put("removedStatements", removals(decision.removed()));
        }
        if (!decision.lookalikes().isEmpty()) {
            fields.put("keptLookalikeStatements", decision.lookalikes());
        }
        decision.lostUpdate().ifPresent(lost -> fields.put("lostUpdate", lostUpdate(lost)));
        log.info("decision", fields);
        decision.lostUpdate().filter(lost -> lost.verdict() == LostUpdate.Verdict.UNDECIDABLE).ifPresent(lost -> {
            // The person's statements are not in the policy and we cannot tell whether we overwrote them.
            Map<String, Object> warning = new LinkedHashMap<>(context);
            warning.put("repository", decision.repository());
            warning.put("lostUpdate", lostUpdate(lost));
            log.warn("possible lost update: cannot tell whether a person's policy edit was overwritten", warning);
            if (!dryRun) {
                metrics.count("LostUpdateUndecided", 1);
            }
        });
        if (!dryRun) {
            count(decision);
        }
    }

    /** Counts a decision in the metrics without a log line (a reconcile's thousands of unchanged repositories). */
    public void count(Decision decision) {
        metrics.count(metricName(decision.action()), 1);
        if (decision.writes()) {
            metrics.count("PoliciesWritten", 1);
        }
        if (decision.writes() && decision.lostUpdate().filter(l -> l.verdict() == LostUpdate.Verdict.RECOVERED).isPresent()) {
            metrics.count("LostUpdateRecovered", 1);
        }
    }

    /** An enforcement revoke (managed statements put on an unshared repository) is a drift correction too. */
    public void correction() {
        metrics.count("DriftCorrected", 1);
    }

    public void failure(String repository, Map<String, ?> context, Exception error) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("repository", repository);
        fields.putAll(context);
        fields.put("action", Action.FAILED.label());
        fields.put("error", error.getClass().getSimpleName());
        fields.put("reason", error.getMessage());
        log.error("decision", fields);
        metrics.count("Errors", 1);
    }

    public void flush() {
        metrics.flush();
    }

    private static Map<String, Object> lostUpdate(LostUpdate lost) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verdict", lost.verdict().name().toLowerCase(Locale.ROOT));
        m.put("reason", lost.reason());
        m.put("editor", lost.edit().actor());
        m.put("editEvent", lost.edit().eventId());
        m.put("editTime", java.time.Instant.ofEpochMilli(lost.edit().secondStart()).toString());
        m.put("missingStatements", LostUpdate.names(lost.restored()));
        m.put("statementsTheEditRemoved", LostUpdate.names(lost.withdrawn()));
        m.put("missing", lost.restored());
        return m;
    }

    private static List<Map<String, Object>> removals(List<Removal> removed) {
        return removed.stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("statement", r.statement());
            m.put("reason", r.reason());
            return m;
        }).toList();
    }

    private static String metricName(Action action) {
        return switch (action) {
            case GRANTED -> "Granted";
            case RESTORED -> "DriftCorrected";
            case REVOKED -> "Revoked";
            case UNCHANGED -> "Unchanged";
            case SKIPPED -> "Skipped";
            case FAILED -> "Errors";
        };
    }
}
