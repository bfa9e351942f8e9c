package io.ecrshare.tokenapi;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.ecrshare.observability.Invocation;
import io.ecrshare.config.FunctionConfig;
import io.ecrshare.token.ApiResponse;
import io.ecrshare.token.TokenRefusedException;
import io.ecrshare.token.TokenService;
import io.ecrshare.wiring.TokenComponents;
import org.crac.Core;
import org.crac.Resource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * TokenFunction: {@code GET /token} behind an IAM-authorized REST API. A stream handler so our own Jackson
 * reads the proxy event. Under SnapStart, {@link #beforeCheckpoint} primes the request path (see
 * {@link TokenPriming}) so a restored function answers its first request fast.
 */
public final class TokenHandler implements RequestStreamHandler, Resource {

    private final TokenService service;
    /** The deployed configuration, for priming; null when a test passes the service in. */
    private final FunctionConfig config;

    /** Runtime wiring from the environment; registers for SnapStart's checkpoint hook. */
    public TokenHandler() {
        this(TokenComponents.configuration());
        Core.getGlobalContext().register(this);
    }

    private TokenHandler(FunctionConfig config) {
        this.service = TokenComponents.fromConfiguration(config);
        this.config = config;
    }

    public TokenHandler(TokenService service) {
        this.service = service;
        this.config = null;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Invocation.begin(context == null ? null : context.getAwsRequestId());
        String lambdaRequestId = context == null ? null : context.getAwsRequestId();
        ApiResponse response;
        try {
            ApiGatewayRequest request = ApiGatewayRequest.read(input, lambdaRequestId);
            response = service.handle(request.query(), request.caller(), request.requestId());
        } catch (TokenRefusedException e) {
            response = service.refuseMalformed(e, lambdaRequestId);
        }
        ApiGatewayRequest.write(response, output);
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        if (config != null) {
            TokenPriming.prime(config, System.getenv());
        }
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // Nothing to refresh: no credentials, tokens or clock readings were kept from before the snapshot.
    }
}
