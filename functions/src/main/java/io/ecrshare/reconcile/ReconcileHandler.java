package io.ecrshare.reconcile;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.ecrshare.observability.Invocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrshare.config.ConfigException;
import io.ecrshare.event.MalformedEventException;
import io.ecrshare.observability.JsonLog;
import io.ecrshare.share.Action;
import io.ecrshare.share.ReconcileReport;
import io.ecrshare.share.Reconciler;
import io.ecrshare.wiring.SharingComponents;
import io.ecrshare.wiring.SharingPriming;
import io.ecrshare.wiring.SnapStartPriming;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.http.TlsTrustManagersProvider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * ReconcileFunction. Inputs:
 * <ul>
 *   <li>the schedule's "Scheduled Event": apply to every repository;</li>
 *   <li>{@code {"dryRun": true}}: plan, change nothing, return what would be done per repository;
 *       {@code {"dryRun": false}}: apply now; {@code {"dryRun": true, "revokeAll": true}}: preview of an
 *       uninstall with RevokeOnDelete;</li>
 *   <li>a CloudFormation custom resource request (every deploy that changes the configuration): answer
 *       CloudFormation first, then apply, so repositories converge without waiting for the schedule. A Delete
 *       with RevokeOnDelete removes the managed statements from every repository first and then answers with
 *       what it removed (FAILED, naming the repositories, if any could not be revoked);</li>
 *   <li>the {@link FunctionConfigurationDigest} custom resource (deploy time, on $LATEST): answered with the
 *       digests, no repository touched.</li>
 * </ul>
 * Anything else is refused before any API call ({@link ReconcileRequest}).
 * Any repository failure fails the invocation after the whole sweep, so the errors alarm fires.
 */
public final class ReconcileHandler implements RequestStreamHandler {

    /** The value of the metrics' Function dimension and the logs' function field. */
    public static final String FUNCTION = "reconcile";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Reconciler reconciler;
    private final CloudFormationResponder cloudFormation;
    private final JsonLog log;
    private final boolean revokeOnDelete;
    private final SnapStartPriming checkpointHook;
    /** Non-null when the configuration was refused at init: every request is refused with it (see below). */
    private final ConfigException refusedConfiguration;

    /**
     * Runtime wiring from the environment; registers the SnapStart checkpoint hook with the global CRaC context.
     * Unlike the other functions, an invalid configuration does not fail the init phase here: this function answers
     * CloudFormation's custom resources, and a function that cannot start never answers, so the stack would wait
     * for the resource's timeout instead of failing now with the reason.
     */
    public ReconcileHandler() {
        this(wiredOrRefused(), new CloudFormationResponder());
    }

    private ReconcileHandler(Object wiredOrRefused, CloudFormationResponder cloudFormation) {
        if (wiredOrRefused instanceof SharingComponents components) {
            this.reconciler = components.reconciler();
            this.log = components.log();
            this.revokeOnDelete = components.settings().revokeOnDelete();
            this.checkpointHook = SharingPriming.sweepCheckpointHook(components, System.getenv(), null)
                    .registerWith(Core.getGlobalContext());
            this.refusedConfiguration = null;
        } else {
            this.reconciler = null;
            this.log = JsonLog.stdout(FUNCTION);
            this.revokeOnDelete = false;
            this.checkpointHook = null;
            this.refusedConfiguration = (ConfigException) wiredOrRefused;
        }
        this.cloudFormation = cloudFormation;
    }

    private static Object wiredOrRefused() {
        try {
            return SharingComponents.fromEnvironment(FUNCTION);   // logs the invalid value itself
        } catch (ConfigException e) {
            return e;
        }
    }

    /** A handler whose configuration was refused (tests; Lambda gets one from the no-argument constructor). */
    public static ReconcileHandler refusing(ConfigException refused, CloudFormationResponder cloudFormation) {
        return new ReconcileHandler(refused, cloudFormation);
    }

    /** As on Lambda, with the CRaC context and TLS trust (null: the JDK's) given. */
    public ReconcileHandler(SharingComponents components, CloudFormationResponder cloudFormation, Map<String, String> env,
                            TlsTrustManagersProvider trust, org.crac.Context<Resource> crac) {
        this.reconciler = components.reconciler();
        this.cloudFormation = cloudFormation;
        this.log = components.log();
        this.checkpointHook = SharingPriming.sweepCheckpointHook(components, env, trust).registerWith(crac);
        this.revokeOnDelete = components.settings().revokeOnDelete();
        this.refusedConfiguration = null;
    }

    /** Without a checkpoint hook (tests). */
    public ReconcileHandler(SharingComponents components, CloudFormationResponder cloudFormation) {
        this.reconciler = components.reconciler();
        this.cloudFormation = cloudFormation;
        this.log = components.log();
        this.revokeOnDelete = components.settings().revokeOnDelete();
        this.checkpointHook = null;
        this.refusedConfiguration = null;
    }

    /** The registered SnapStart hook (null without one). */
    public Resource checkpointHook() {
        return checkpointHook;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Invocation.begin(context == null ? null : context.getAwsRequestId());
        byte[] raw = input.readAllBytes();
        if (refusedConfiguration != null) {
            refuse(raw, output);
            return;
        }
        ReconcileRequest request;
        try {
            request = ReconcileRequest.parse(new ByteArrayInputStream(raw));
        } catch (MalformedEventException e) {
            log.error("reconcile input refused", Map.of("error", e.getMessage()));
            answerCloudFormationIfItAsked(raw, e.getMessage());
            throw e;
        }
        if (request.kind() == ReconcileRequest.Kind.DEPLOY
                && FunctionConfigurationDigest.RESOURCE_TYPE.equals(request.customResource().path("ResourceType").asText())) {
            answerConfigurationDigest(request.customResource(), output);
            return;
        }
        if (request.kind() == ReconcileRequest.Kind.DEPLOY) {
            if ("Delete".equals(request.requestType()) && revokeOnDelete) {
                revokeAllOnDelete(request.customResource(), output);
                return;
            }
            cloudFormation.respond(request.customResource(), true, "ecr-share reconcile started; see the reconcile function's log");
            if ("Delete".equals(request.requestType())) {
                log.info("stack resource deleted; repository policies are left as they are", Map.of("trigger", "deploy"));
                output.write("{\"skipped\":\"stack delete\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        ReconcileReport report = reconciler.run(request.dryRun(), request.revokeAll(), request.trigger());
        output.write(JSON.writeValueAsBytes(report.toJson()));
        output.flush();
        if (!report.failures().isEmpty()) {
            throw new ReconcileFailedException(report);
        }
    }

    /**
     * Runs within the invocation, before answering, so CloudFormation learns what was removed (the function's
     * 900 s timeout is below the custom resource's ServiceTimeout).
     */
    private void revokeAllOnDelete(JsonNode request, OutputStream output) throws IOException {
        ReconcileReport report;
        try {
            report = reconciler.run(false, true, "deploy:Delete:revokeAll");
        } catch (RuntimeException e) {
            cloudFormation.respond(request, false, "revoke on delete failed: " + e.getMessage());
            throw e;
        }
        int revoked = report.totals().getOrDefault(Action.REVOKED, 0);
        if (report.failures().isEmpty()) {
            cloudFormation.respond(request, true, "revoked the managed statements of " + revoked + " of "
                    + report.entries().size() + " repositories");
        } else {
            String reason = new ReconcileFailedException(report).getMessage();
            // CloudFormation shows at most 4 KB of Reason; the full list is in the reconcile log.
            cloudFormation.respond(request, false, "revoke on delete: " + revoked + " revoked, "
                    + (reason.length() > 3500 ? reason.substring(0, 3500) + " ..." : reason));
        }
        output.write(JSON.writeValueAsBytes(report.toJson()));
        output.flush();
    }

    /** Deploy-time only, on the unpublished function: no repository is touched. Delete has nothing to undo. */
    private void answerConfigurationDigest(JsonNode request, OutputStream output) throws IOException {
        ObjectNode data = JSON.createObjectNode();
        if (!"Delete".equals(request.get("RequestType").asText())) {
            try {
                data = FunctionConfigurationDigest.digests(request.path("ResourceProperties"));
            } catch (MalformedEventException e) {
                log.error("function configuration digest refused", Map.of("error", e.getMessage()));
                cloudFormation.respond(request, false, e.getMessage(), FunctionConfigurationDigest.PHYSICAL_ID, data);
                throw e;
            }
            log.info("function configuration digests", Map.of("digests", data.toString()));
        }
        cloudFormation.respond(request, true, "ecr-share function configuration digests",
                FunctionConfigurationDigest.PHYSICAL_ID, data);
        output.write(JSON.writeValueAsBytes(data));
    }

    /**
     * With a refused configuration nothing is reconciled. CloudFormation still gets its answer at once: the digest
     * (it needs no configuration) so the other functions' versions are published and fail their own init with the
     * same error; FAILED with the reason for a convergence create or update; SUCCESS for a delete, so a rollback
     * is never blocked (nothing was done that needs undoing). Anything else fails the invocation.
     */
    private void refuse(byte[] raw, OutputStream output) throws IOException {
        String reason = "invalid configuration: " + refusedConfiguration.getMessage();
        JsonNode node = null;
        try {
            node = JSON.readTree(raw);
        } catch (IOException e) {
            // not JSON: refused below like any other input
        }
        if (node != null && node.path("ResponseURL").isTextual() && node.path("RequestType").isTextual()) {
            if (FunctionConfigurationDigest.RESOURCE_TYPE.equals(node.path("ResourceType").asText())) {
                answerConfigurationDigest(node, output);
                return;
            }
            if ("Delete".equals(node.path("RequestType").asText())) {
                log.warn("stack resource deleted with a refused configuration; nothing was reconciled",
                        Map.of("error", reason));
                cloudFormation.respond(node, true, reason + "; nothing was reconciled");
                output.write("{\"skipped\":\"invalid configuration\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            log.error("reconcile refused", Map.of("error", reason));
            cloudFormation.respond(node, false, reason);
        } else {
            log.error("reconcile refused", Map.of("error", reason));
        }
        throw refusedConfiguration;
    }

    /** A refused custom resource request still gets an answer, so the stack operation fails now, not in an hour. */
    private void answerCloudFormationIfItAsked(byte[] raw, String reason) {
        try {
            JsonNode node = JSON.readTree(raw);
            if (node != null && node.path("ResponseURL").isTextual()) {
                cloudFormation.respond(node, false, reason);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("could not answer CloudFormation", Map.of("error", String.valueOf(e)));
        }
    }
}
