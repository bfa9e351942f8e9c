package io.ecrshare.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;

/**
 * CloudWatch metrics in embedded metric format: counts accumulate during an invocation and are written as
 * one log line by {@link #flush()}, which CloudWatch turns into metrics without any API call.
 */
public final class EmbeddedMetrics {

    public static final String NAMESPACE = "EcrShare";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final Clock clock;
    private final String function;
    private final Map<String, Long> counts = new TreeMap<>();

    public EmbeddedMetrics(PrintStream out, Clock clock, String function) {
        this.out = out;
        this.clock = clock;
        this.function = function;
    }

    public static EmbeddedMetrics stdout(String function) {
        return new EmbeddedMetrics(System.out, Clock.systemUTC(), function);
    }

    public synchronized void count(String metric, long value) {
        counts.merge(metric, value, Long::sum);
    }

    public synchronized void flush() {
        if (counts.isEmpty()) {
            return;
        }
        ObjectNode line = JSON.createObjectNode();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        directive.putArray("Dimensions").addArray().add("Function");
        ArrayNode metrics = directive.putArray("Metrics");
        line.put("Function", function);
        String requestId = Invocation.requestId();
        if (requestId != null) {
            line.put("lambdaRequestId", requestId);   // a property, not a dimension: no extra metric cost
        }
        counts.forEach((name, value) -> {
            metrics.addObject().put("Name", name).put("Unit", "Count");
            line.put(name, value);
        });
        counts.clear();
        synchronized (out) {
            out.println(line);
        }
    }
}
