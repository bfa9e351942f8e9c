package io.ecrshare.observability;

/**
 * The Lambda request ID of the invocation in progress, which {@link JsonLog} and {@link EmbeddedMetrics} put on
 * every line. A Lambda execution environment runs one invocation at a time (worker threads of a reconcile log
 * within it), so one process-wide value is exactly right; handlers set it first thing.
 */
public final class Invocation {

    private static volatile String requestId;

    private Invocation() {
    }

    /** Called by each handler with {@code Context.getAwsRequestId()} (null outside Lambda, e.g. in the CLI). */
    public static void begin(String lambdaRequestId) {
        requestId = lambdaRequestId;
    }

    public static String requestId() {
        return requestId;
    }
}
