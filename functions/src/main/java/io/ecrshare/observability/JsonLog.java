package io.ecrshare.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * One JSON object per line on standard output. Lambda's JSON log format passes lines that are already JSON
 * through as they are, so these are queryable in CloudWatch Logs Insights field by field.
 * Callers never pass tokens, passwords or credentials; the token function's tests capture every line to
 * prove it.
 */
public final class JsonLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final Clock clock;
    private final String function;

    public JsonLog(PrintStream out, Clock clock, String function) {
        this.out = out;
        this.clock = clock;
        this.function = function;
    }

    public static JsonLog stdout(String function) {
        return new JsonLog(System.out, Clock.systemUTC(), function);
    }

    public void info(String message, Map<String, ?> fields) {
        write("INFO", message, fields);
    }

    public void warn(String message, Map<String, ?> fields) {
        write("WARN", message, fields);
    }

    public void error(String message, Map<String, ?> fields) {
        write("ERROR", message, fields);
    }

    private void write(String level, String message, Map<String, ?> fields) {
        ObjectNode line = JSON.createObjectNode();
        line.put("timestamp", clock.instant().toString());
        line.put("level", level);
        line.put("function", function);
        line.put("message", message);
        String requestId = Invocation.requestId();
        if (requestId != null) {
            line.put("lambdaRequestId", requestId);
        }
        fields.forEach((key, value) -> line.set(key, JSON.valueToTree(value)));
        synchronized (out) {
            out.println(line);
        }
    }
}
