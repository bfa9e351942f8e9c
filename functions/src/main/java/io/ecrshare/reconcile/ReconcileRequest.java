package io.ecrshare.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.event.MalformedEventException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The one place that decides what a reconcile invocation asks for. It accepts exactly the inputs listed in
 * {@link #ACCEPTED} and refuses anything else before any API call: a typo such as {@code {"DryRun": true}} must
 * never be taken for a writing run. A new manual option is one more entry in {@link #MANUAL_FIELDS} and a field.
 *
 * @param customResource the CloudFormation request to answer, for {@link Kind#DEPLOY}; null otherwise
 * @param revokeAll      preview of an uninstall with RevokeOnDelete: only as {@code {"dryRun": true, "revokeAll": true}}
 */
public record ReconcileRequest(Kind kind, boolean dryRun, String requestType, JsonNode customResource, boolean revokeAll) {

    public enum Kind { SCHEDULE, DEPLOY, MANUAL }

    static final String ACCEPTED = "the schedule's event (source aws.events, detail-type Scheduled Event), a "
            + "CloudFormation custom resource request (RequestType Create, Update or Delete), {\"dryRun\": true}, "
            + "{\"dryRun\": false} or {\"dryRun\": true, \"revokeAll\": true}";
    /** Fields a manual invocation may carry (each required to be a boolean). */
    static final Set<String> MANUAL_FIELDS = Set.of("dryRun", "revokeAll");
    private static final Set<String> REQUEST_TYPES = Set.of("Create", "Update", "Delete");
    private static final List<String> CUSTOM_RESOURCE_FIELDS = List.of("RequestType", "ResponseURL", "StackId", "RequestId",
            "LogicalResourceId");
    private static final ObjectMapper JSON = new ObjectMapper();

    public static ReconcileRequest parse(InputStream input) {
        JsonNode node;
        try {
            node = JSON.readTree(input);
        } catch (IOException e) {
            throw refused("the input is not valid JSON (" + e.getMessage() + ")");
        }
        return parse(node);
    }

    public static ReconcileRequest parse(JsonNode node) {
        if (node == null || node.isMissingNode() || !node.isObject()) {
            throw refused("the input is not a JSON object");
        }
        if (node.has("RequestType") || node.has("ResponseURL")) {
            return customResource(node);
        }
        if (node.has("detail-type") || node.has("source")) {
            if ("aws.events".equals(node.path("source").asText()) && "Scheduled Event".equals(node.path("detail-type").asText())) {
                return new ReconcileRequest(Kind.SCHEDULE, false, null, null, false);
            }
            throw refused("an event with source " + node.path("source") + " and detail-type " + node.path("detail-type"));
        }
        List<String> unknown = new ArrayList<>();
        node.fieldNames().forEachRemaining(field -> {
            if (!MANUAL_FIELDS.contains(field)) {
                unknown.add(field);
            }
        });
        if (!unknown.isEmpty()) {
            throw refused("unknown field(s) " + unknown);
        }
        JsonNode dryRun = node.get("dryRun");
        if (dryRun == null || !dryRun.isBoolean()) {
            throw refused(dryRun == null ? "no 'dryRun' field" : "'dryRun' is " + dryRun + ", not true or false");
        }
        JsonNode revokeAll = node.get("revokeAll");
        if (revokeAll != null && (!revokeAll.isBoolean() || !dryRun.booleanValue())) {
            // Only a preview: the real revoke runs when the stack is deleted with RevokeOnDelete=true.
            throw refused("'revokeAll' " + revokeAll + " with 'dryRun' " + dryRun
                    + " (revokeAll is a preview only; deleting the stack with RevokeOnDelete=true revokes)");
        }
        return new ReconcileRequest(Kind.MANUAL, dryRun.booleanValue(), null, null, revokeAll != null && revokeAll.booleanValue());
    }

    private static ReconcileRequest customResource(JsonNode node) {
        for (String field : CUSTOM_RESOURCE_FIELDS) {
            if (!node.path(field).isTextual() || node.path(field).asText().isBlank()) {
                throw refused("a custom resource request without '" + field + "'");
            }
        }
        String type = node.get("RequestType").asText();
        if (!REQUEST_TYPES.contains(type)) {
            throw refused("a custom resource request of RequestType " + type);
        }
        return new ReconcileRequest(Kind.DEPLOY, false, type, node, false);
    }

    /** How the reconcile's log lines and decisions name what started it. */
    public String trigger() {
        return switch (kind) {
            case SCHEDULE -> "schedule";
            case DEPLOY -> "deploy:" + requestType;
            case MANUAL -> dryRun ? (revokeAll ? "plan:revokeAll" : "plan") : "manual";
        };
    }

    private static MalformedEventException refused(String what) {
        return new MalformedEventException("reconcile refused " + what + "; it accepts exactly " + ACCEPTED);
    }
}
