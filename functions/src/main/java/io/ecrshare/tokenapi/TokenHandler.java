package io.ecrshare.tokenapi;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.ecrshare.observability.Invocation;
import io.ecrshare.config.FunctionConfig;
import io.ecrshare.token.ApiResponse;
import io.ecrshare.token.TokenRefusedException;
import io.ecrshare.token.TokenService;
import io.ecrshare.wiring.SnapStartPriming;
import io.ecrshare.wiring.TokenComponents;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.http.TlsTrustManagersProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * TokenFunction: {@code GET /token} behind an IAM-authorized REST API. A stream handler so our own Jackson
 * reads the proxy event. Its SnapStart checkpoint hook primes the request path ({@link TokenPriming}, then
 * one real HTTPS request) so a restored function answers its first request fast.
 */
public final class TokenHandler implements RequestStreamHandler {

    private final TokenService service;
    private final SnapStartPriming checkpointHook;

    /** Runtime wiring from the environment; registers the checkpoint hook with the global CRaC context. */
    public TokenHandler() {
        this(TokenComponents.configuration(), System.getenv(), Core.getGlobalContext());
    }

    private TokenHandler(FunctionConfig config, Map<String, String> env, org.crac.Context<Resource> crac) {
        this(TokenComponents.fromConfiguration(config), config, env, null, crac);
    }

    /** As on Lambda, with the CRaC context and TLS trust (null: the JDK's) given. */
    public TokenHandler(TokenService service, FunctionConfig config, Map<String, String> env, TlsTrustManagersProvider trust,
                        org.crac.Context<Resource> crac) {
        this.service = service;
        this.checkpointHook = TokenComponents.checkpointHook(env, trust, () -> TokenPriming.prime(config, env)).registerWith(crac);
    }

    /** Without a checkpoint hook (tests, and priming's own throwaway copy). */
    public TokenHandler(TokenService service) {
        this.service = service;
        this.checkpointHook = null;
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

    /** The registered SnapStart hook (null without one). */
    public Resource checkpointHook() {
        return checkpointHook;
    }
}
