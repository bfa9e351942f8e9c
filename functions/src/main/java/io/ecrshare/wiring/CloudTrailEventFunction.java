package io.ecrshare.wiring;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.ecrshare.observability.Invocation;
import io.ecrshare.share.DecisionOutput;
import io.ecrshare.share.EventProcessor;
import org.crac.Resource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * What the grant and enforce handlers share: one CloudTrail event in, one decision out, and the SnapStart
 * checkpoint hook the handler registered. A stream handler so our own Jackson reads "detail-type" (the runtime's
 * relocated Jackson ignores annotations on POJOs). The subclasses only choose the {@link EventProcessor}.
 */
public abstract class CloudTrailEventFunction implements RequestStreamHandler {

    private final EventProcessor processor;
    private final SnapStartPriming checkpointHook;

    /** @param checkpointHook the registered hook, or null (tests) */
    protected CloudTrailEventFunction(EventProcessor processor, SnapStartPriming checkpointHook) {
        this.processor = processor;
        this.checkpointHook = checkpointHook;
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Invocation.begin(context == null ? null : context.getAwsRequestId());
        DecisionOutput.write(processor.process(input), output);
    }

    /** The registered SnapStart hook (null without one). */
    public final Resource checkpointHook() {
        return checkpointHook;
    }
}
