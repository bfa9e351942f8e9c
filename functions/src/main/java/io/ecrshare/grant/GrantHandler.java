package io.ecrshare.grant;

import io.ecrshare.wiring.CloudTrailEventFunction;
import io.ecrshare.wiring.SharingComponents;
import io.ecrshare.wiring.SharingPriming;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.http.TlsTrustManagersProvider;

import java.util.Map;

/**
 * GrantFunction: on CreateRepository (API call or service event), TagResource and UntagResource, gives a
 * repository that carries the sharing tag the standard pull statements, and takes them away when the tag
 * goes.
 */
public final class GrantHandler extends CloudTrailEventFunction {

    /** The value of the metrics' Function dimension and the logs' function field. */
    public static final String FUNCTION = "grant";

    /** Runtime wiring from the environment; registers the SnapStart checkpoint hook with the global CRaC context. */
    public GrantHandler() {
        this(SharingComponents.fromEnvironment(FUNCTION), System.getenv(), null, Core.getGlobalContext());
    }

    /** As on Lambda, with the CRaC context and TLS trust (null: the JDK's) given. */
    public GrantHandler(SharingComponents components, Map<String, String> env, TlsTrustManagersProvider trust,
                        org.crac.Context<Resource> crac) {
        super(components.grantProcessor(), SharingPriming.checkpointHook(components, env, trust).registerWith(crac));
    }

    /** Without a checkpoint hook (tests). */
    public GrantHandler(SharingComponents components) {
        super(components.grantProcessor(), null);
    }
}
