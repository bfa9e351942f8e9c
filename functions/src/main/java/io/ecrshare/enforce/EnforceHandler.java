package io.ecrshare.enforce;

import io.ecrshare.wiring.CloudTrailEventFunction;
import io.ecrshare.wiring.SharingComponents;
import io.ecrshare.wiring.SharingPriming;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.http.TlsTrustManagersProvider;

import java.util.Map;

/**
 * EnforceFunction: on SetRepositoryPolicy and DeleteRepositoryPolicy, puts a shared repository's managed
 * statements back to the standard (and, in exclusive mode, removes statements granting outsiders). Events
 * caused by this stack's own roles are skipped before any API call; any other event on a compliant
 * repository costs two reads and no write, so our own writes can never loop.
 */
public final class EnforceHandler extends CloudTrailEventFunction {

    /** The value of the metrics' Function dimension and the logs' function field. */
    public static final String FUNCTION = "enforce";

    /** Runtime wiring from the environment; registers the SnapStart checkpoint hook with the global CRaC context. */
    public EnforceHandler() {
        this(SharingComponents.fromEnvironment(FUNCTION), System.getenv(), null, Core.getGlobalContext());
    }

    /** As on Lambda, with the CRaC context and TLS trust (null: the JDK's) given. */
    public EnforceHandler(SharingComponents components, Map<String, String> env, TlsTrustManagersProvider trust,
                          org.crac.Context<Resource> crac) {
        super(components.enforcementProcessor(), SharingPriming.checkpointHook(components, env, trust).registerWith(crac));
    }

    /** Without a checkpoint hook (tests). */
    public EnforceHandler(SharingComponents components) {
        super(components.enforcementProcessor(), null);
    }
}
