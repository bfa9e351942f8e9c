package io.ecrshare.enforce;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.ecrshare.observability.Invocation;
import io.ecrshare.share.DecisionOutput;
import io.ecrshare.share.EventProcessor;
import io.ecrshare.wiring.SharingComponents;
import io.ecrshare.wiring.SharingPriming;
import io.ecrshare.wiring.SnapStartPriming;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.http.TlsTrustManagersProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * EnforceFunction: on SetRepositoryPolicy and DeleteRepositoryPolicy, puts a shared repository's managed
 * statements back to the standard (and, in exclusive mode, removes statements granting outsiders). Events
 * caused by this stack's own roles are skipped before any API call; any other event on a compliant
 * repository costs two reads and no write, so our own writes can never loop.
 */
public final class EnforceHandler implements RequestStreamHandler {

    /** The value of the metrics' Function dimension and the logs' function field. */
    public static final String FUNCTION = "enforce";

    private final EventProcessor processor;
    private final SnapStartPriming checkpointHook;

    /** Runtime wiring from the environment; registers the SnapStart checkpoint hook with the global CRaC context. */
    public EnforceHandler() {
        this(SharingComponents.fromEnvironment(FUNCTION), System.getenv(), null, Core.getGlobalContext());
    }

    /** As on Lambda, with the CRaC context and TLS trust (null: the JDK's) given. */
    public EnforceHandler(SharingComponents components, Map<String, String> env, TlsTrustManagersProvider trust,
                        org.crac.Context<Resource> crac) {
        this.processor = components.enforcementProcessor();
        this.checkpointHook = SharingPriming.checkpointHook(components, env, trust).registerWith(crac);
    }

    /** Without a checkpoint hook (tests). */
    public EnforceHandler(SharingComponents components) {
        this.processor = components.enforcementProcessor();
        this.checkpointHook = null;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Invocation.begin(context == null ? null : context.getAwsRequestId());
        DecisionOutput.write(processor.process(input), output);
    }

    /** The registered SnapStart hook (null without one). */
    public Resource checkpointHook() {
        return checkpointHook;
    }
}
