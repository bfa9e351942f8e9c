package io.ecrshare.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.observability.EmbeddedMetrics;
import io.ecrshare.observability.JsonLog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Captures what a function writes to standard output (logs and metrics) so tests can read it back. */
public final class CapturedOutput {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    public JsonLog log(String function) {
        return new JsonLog(stream, Clock.systemUTC(), function);
    }

    public EmbeddedMetrics metrics(String function) {
        return new EmbeddedMetrics(stream, Clock.systemUTC(), function);
    }

    public String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    public List<JsonNode> lines() {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                lines.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException("output line is not JSON: " + line, e);
            }
        }
        return lines;
    }

    /** Log lines whose message is "decision". */
    public List<JsonNode> decisions() {
        return lines().stream().filter(l -> "decision".equals(l.path("message").asText())).toList();
    }

    /** Embedded-metric-format lines, each checked against the EMF specification ({@link EmfDirective}). */
    public List<JsonNode> metricLines() {
        List<JsonNode> emf = lines().stream().filter(l -> l.has("_aws")).toList();
        emf.forEach(EmfDirective::check);
        return emf;
    }

    /** Sum of one metric over every embedded-metric-format line. */
    public long metric(String name) {
        return metricLines().stream().mapToLong(l -> l.path(name).asLong(0)).sum();
    }
}
