package io.ecrshare.testsupport;

import com.amazonaws.services.lambda.runtime.Context;

import java.lang.reflect.Proxy;

/** A Lambda {@link Context} that knows only its request ID (what the handlers read from it). */
public final class LambdaContext {

    private LambdaContext() {
    }

    public static Context withRequestId(String requestId) {
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[]{Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAwsRequestId" -> requestId;
                    case "getRemainingTimeInMillis", "getMemoryLimitInMB" -> 0;
                    case "toString" -> "LambdaContext(" + requestId + ")";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }
}
