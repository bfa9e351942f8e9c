package io.ecrshare.token;

import io.ecrshare.config.ConfigException;
import io.ecrshare.config.ShareConfig;
import io.ecrshare.minting.IssuedToken;
import io.ecrshare.minting.TokenMinter;
import io.ecrshare.observability.EmbeddedMetrics;
import io.ecrshare.observability.JsonLog;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /token}: checks the caller, validates the query, serves this deployment's registry from the
 * per-caller cache or mints a token in a session named after the caller, and writes one log line per
 * request. Tokens, passwords and credentials never reach the log.
 */
public final class TokenService {

    static final String USERNAME = "AWS";
    /** Seconds a throttled caller is asked to wait before retrying. */
    static final int RETRY_AFTER_SECONDS = 2;

    private final String registryId;
    private final CallerAuthorizer authorizer;
    private final TokenMinter minter;
    private final TokenCache cache;
    private final Clock clock;
    private final JsonLog log;
    private final EmbeddedMetrics metrics;

    public TokenService(ShareConfig config, TokenMinter minter, TokenCache cache, Clock clock, JsonLog log,
                        EmbeddedMetrics metrics) {
        if (config.ownerAccountId() == null) {
            throw new ConfigException("OWNER_ACCOUNT_ID must be set: the token endpoint serves this account's registry");
        }
        this.registryId = config.ownerAccountId();
        this.authorizer = new CallerAuthorizer(config.consumers());
        this.minter = minter;
        this.cache = cache;
        this.clock = clock;
        this.log = log;
        this.metrics = metrics;
    }

    public ApiResponse handle(Map<String, List<String>> query, Caller caller, String requestId) {
        try {
            authorizer.authorize(caller);
            TokenRequest request = TokenRequest.parse(query, registryId);
            for (String id : request.registryIds()) {
                if (!id.equals(registryId)) {
                    throw new TokenRefusedException(404, "RegistryNotFound",
                            "registry " + id + " is not served by this endpoint (it serves " + registryId + ")");
                }
            }
            return issue(request, caller, requestId);
        } catch (TokenRefusedException e) {
            return refuse(e, caller, requestId, Map.of());
        } catch (TokenMinter.UpstreamFailure e) {
            TokenRefusedException error = e.throttled()
                    ? new TokenRefusedException(429, "Throttled", e.service() + " is throttling token requests; retry later", RETRY_AFTER_SECONDS)
                    : new TokenRefusedException(502, "UpstreamFailure", e.service() + " could not issue a token (" + e.errorCode() + "); retry later");
            metrics.count(e.throttled() ? "TokenUpstreamThrottled" : "TokenUpstreamFailed", 1);
            return refuse(error, caller, requestId, Map.of("upstream", e.service(), "upstreamError", e.errorCode(),
                    "upstreamMessage", String.valueOf(e.getMessage())));
        } catch (RuntimeException e) {
            // A bug of ours: the caller gets a request ID to report, the log gets the exception type.
            return refuse(new TokenRefusedException(500, "InternalError", "the token endpoint failed; report the request ID"),
                    caller, requestId, Map.of("exception", e.getClass().getName()));
        } finally {
            metrics.flush();
        }
    }

    private ApiResponse issue(TokenRequest request, Caller caller, String requestId) {
        String key = cache.key(caller, request.registryIds());
        List<IssuedToken> tokens = cache.get(key);
        boolean hit = tokens != null;
        String sessionName = null;
        if (!hit) {
            sessionName = cache.sharedByRole(caller) ? SessionNames.forRole(caller) : SessionNames.forCaller(caller);
            Instant issuedAt = clock.instant();
            TokenMinter.MintedToken minted = minter.mint(sessionName);
            tokens = new ArrayList<>();
            for (String id : request.registryIds()) {
                tokens.add(new IssuedToken(id, minted.proxyEndpoint(), USERNAME, minted.password(), minted.effectiveExpiry()));
            }
            cache.put(key, tokens, issuedAt);
        }
        metrics.count("TokenIssued", 1);
        metrics.count(hit ? "TokenCacheHit" : "TokenCacheMiss", 1);
        Map<String, Object> fields = callerFields(caller, requestId);
        fields.put("registryIds", request.registryIds());
        fields.put("format", request.format().name().toLowerCase());
        fields.put("expiresAt", tokens.get(0).expiresAt().toString());
        fields.put("cache", hit ? "hit" : "miss");
        fields.put("cacheScope", cache.scope().name().toLowerCase());
        if (sessionName != null) {
            fields.put("sessionName", sessionName);
        }
        log.info("token issued", fields);
        return request.format() == TokenRequest.Format.PASSWORD ? ApiResponse.password(tokens.get(0)) : ApiResponse.tokens(tokens);
    }

    /** An invocation that is not an API Gateway proxy request: answered and logged like any refusal. */
    public ApiResponse refuseMalformed(TokenRefusedException error, String requestId) {
        try {
            return refuse(error, null, requestId, Map.of());
        } finally {
            metrics.flush();
        }
    }

    private ApiResponse refuse(TokenRefusedException error, Caller caller, String requestId, Map<String, String> extra) {
        metrics.count("TokenRefused" + error.status(), 1);
        Map<String, Object> fields = callerFields(caller, requestId);
        fields.put("status", error.status());
        fields.put("error", error.code());
        fields.put("reason", error.getMessage());
        fields.putAll(extra);
        if (error.status() >= 500) {
            log.error("token request failed", fields);
        } else {
            log.warn("token request refused", fields);
        }
        return ApiResponse.error(error, requestId);
    }

    private static Map<String, Object> callerFields(Caller caller, String requestId) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("requestId", requestId);
        fields.put("callerArn", caller == null ? null : Caller.bounded(caller.arn(), Caller.MAX_ARN_LENGTH));
        fields.put("callerAccount", caller == null ? null : Caller.bounded(caller.accountId(), Caller.ECHO_LENGTH));
        fields.put("callerOrgId", caller == null ? null : Caller.bounded(caller.orgId(), Caller.ECHO_LENGTH));
        return fields;
    }
}
