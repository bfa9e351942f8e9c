package io.ecrshare.share;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What a reconcile (or a plan) did or would do, per repository, with totals and the failures at the end. */
public record ReconcileReport(boolean dryRun, List<Entry> entries, long elapsedMillis) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public record Entry(String repository, Action action, String reason) {
    }

    public ReconcileReport {
        entries = entries.stream().sorted(Comparator.comparing(Entry::repository)).toList();
    }

    public Map<Action, Integer> totals() {
        Map<Action, Integer> totals = new EnumMap<>(Action.class);
        entries.forEach(e -> totals.merge(e.action(), 1, Integer::sum));
        return totals;
    }

    public List<Entry> failures() {
        return entries.stream().filter(e -> e.action() == Action.FAILED).toList();
    }

    /** Totals and failures always; every repository only for a plan, where it is the point. */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("dryRun", dryRun);
        root.put("repositories", entries.size());
        root.put("elapsedMillis", elapsedMillis);
        ObjectNode totals = root.putObject("totals");
        totals().forEach((action, n) -> totals.put(action.label(), n));
        ArrayNode failures = root.putArray("failures");
        failures().forEach(f -> failures.addObject().put("repository", f.repository()).put("error", f.reason()));
        if (dryRun) {
            ArrayNode plan = root.putArray("plan");
            entries.forEach(e -> plan.addObject().put("repository", e.repository()).put("action", e.action().label())
                    .put("reason", e.reason()));
        }
        return root;
    }

    /** A table a person reads in a terminal: what would change first, then what stays as it is. */
    public String toTable() {
        List<Entry> ordered = new ArrayList<>(entries);
        ordered.sort(Comparator.comparing((Entry e) -> e.action() == Action.UNCHANGED).thenComparing(Entry::repository));
        int width = Math.max("REPOSITORY".length(), ordered.stream().mapToInt(e -> e.repository().length()).max().orElse(0));
        StringBuilder out = new StringBuilder();
        String format = "%-" + width + "s  %-9s  %s%n";
        out.append(String.format(format, "REPOSITORY", "ACTION", "WHY"));
        for (Entry e : ordered) {
            out.append(String.format(format, e.repository(), e.action().label(), e.reason()));
        }
        out.append(String.format("%n%d repositories", entries.size()));
        totals().forEach((action, n) -> out.append(", ").append(n).append(' ').append(action.label()));
        out.append(dryRun ? " (plan: nothing was changed)" : "").append(String.format("%n"));
        return out.toString();
    }
}
