package io.ecrshare.enforce;

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
 * EnforceFunction: on SetRepositoryPolicy and DeleteRepositoryPolicy, puts a shared repository's managed
 * statements back to the standard (and, in exclusive mode, removes statements granting outsiders). Events
 * caused by this stack's own roles are skipped before any API call; any other event on a compliant
 * repository costs two reads and no write, so our own writes can never loop.
 */
public final class EnforceHandler implements RequestStreamHandler {

    /** The value of the metrics' Function dimension and the logs' function field. */
    public static final String FUNCTION = "enforce";

    private final EventProcessor processor;

    public EnforceHandler() {
        this(SharingComponents.fromEnvironment(FUNCTION));
    }

    public EnforceHandler(SharingComponents components) {
        this.processor = components.enforcementProcessor();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Invocation.begin(context == null ? null : context.getAwsRequestId());
        DecisionOutput.write(processor.process(input), output);
    }
}
