package io.ecrshare.grant;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.ecrshare.observability.Invocation;
import io.ecrshare.share.DecisionOutput;
import io.ecrshare.share.EventProcessor;
import io.ecrshare.wiring.SharingComponents;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

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

    public GrantHandler() {
        this(SharingComponents.fromEnvironment(FUNCTION));
    }

    public GrantHandler(SharingComponents components) {
        this.processor = components.grantProcessor();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Invocation.begin(context == null ? null : context.getAwsRequestId());
        DecisionOutput.write(processor.process(input), output);
    }
}
