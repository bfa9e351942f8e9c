package io.ecrshare.share;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;

/** The small JSON result an event handler returns (visible with `sam local invoke`; EventBridge ignores it). */
public final class DecisionOutput {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DecisionOutput() {
    }

    public static void write(Decision decision, OutputStream output) throws IOException {
        ObjectNode result = JSON.createObjectNode();
        result.put("repository", decision.repository());
        result.put("action", decision.action().label());
        result.put("reason", decision.reason());
        output.write(JSON.writeValueAsBytes(result));
        output.flush();
    }
}
