package io.ecrshare.grant;

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
 * GrantFunction: on CreateRepository (API call or service event), TagResource and UntagResource, gives a
 * repository that carries the sharing tag the standard pull statements, and takes them away when the tag
 * goes. A stream handler so our own Jackson reads "detail-type" (the runtime's relocated Jackson ignores
 * annotations on POJOs).
 */
public final class GrantHandler implements RequestStreamHandler {

    /** The value of the metrics' Function dimension and the logs' function field. */
    public static final String FUNCTION = "grant";

    private final EventProcessor processor;
    private final SnapStartPriming checkpointHook;

    /** Runtime wiring from the environment; registers the SnapStart checkpoint hook with the global CRaC context. */
    public GrantHandler() {
        this(SharingComponents.fromEnvironment(FUNCTION), System.getenv(), null, Core.getGlobalContext());
    }

    /** As on Lambda, with the CRaC context and TLS trust (null: the JDK's) given. */
    public GrantHandler(SharingComponents components, Map<String, String> env, TlsTrustManagersProvider trust,
                        org.crac.Context<Resource> crac) {
        this.processor = components.grantProcessor();
        this.checkpointHook = SharingPriming.checkpointHook(components, env, trust).registerWith(crac);
    }

    /** Without a checkpoint hook (tests). */
    public GrantHandler(SharingComponents components) {
        this.processor = components.grantProcessor();
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
