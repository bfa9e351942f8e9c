package io.ecrshare.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecrshare.config.FunctionConfig;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.tokenapi.TokenHandler;
import io.ecrshare.wiring.TokenComponents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.ecrshare.token.Invocations.event;
import static io.ecrshare.token.Invocations.invoke;
import static io.ecrshare.token.Invocations.query;
import static io.ecrshare.token.Invocations.withIdentity;
import static io.ecrshare.token.Invocations.withQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handler through the real SDK clients against a loopback STS + ECR whose expiries follow a clock the
 * test moves: caching until half-life, min(token, session) expiry, per-caller sessions, 429 and 502.
 */
class TokenHandlerFakeTest {

    private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final CapturedOutput output = new CapturedOutput();
    private FakeStsEcr fake;
    private TokenHandler handler;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeStsEcr(clock);
        handler = handler(2, TokenCache.DEFAULT_MAX_ENTRIES);
    }

    private TokenHandler handler(int attempts, int cacheEntries) {
        return handler(Invocations.env(), attempts, cacheEntries);
    }

    private TokenHandler handler(Map<String, String> env, int attempts, int cacheEntries) {
        return new TokenHandler(TokenComponents.create(FunctionConfig.fromEnvironment(env), fake.clients(attempts), clock,
                output.log("token"), output.metrics("token"), cacheEntries));
    }

    /** 300 booting hosts: 10 instance sessions of each of 30 roles in a consumer account. */
    private static List<ObjectNode> fleetOf300() {
        ObjectNode base = event("token-consumer-role.json");
        List<ObjectNode> events = new ArrayList<>();
        for (int role = 0; role < 30; role++) {
            for (int host = 0; host < 10; host++) {
                events.add(withIdentity(base, "111111111111",
                        "arn:aws:sts::111111111111:assumed-role/app-" + role + "/i-" + role + "x" + host, null));
            }
        }
        return events;
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void reportsTheSessionExpiryWhenTheSessionEndsBeforeTheToken() {
        Invocations.Response response = invoke(handler, event("token-consumer-role.json"));

        assertEquals(200, response.status(), response.raw());
        JsonNode token = response.tokens().get(0);
        assertEquals(START.plus(Duration.ofHours(1)).toString(), token.path("expiresAt").asText());
        assertEquals(fake.passwords.get(0), token.path("password").asText());
    }

    @Test
    void reportsTheTokenExpiryWhenTheTokenEndsFirst() {
        fake.tokenLifetime = Duration.ofMinutes(20);

        Invocations.Response response = invoke(handler, event("token-consumer-role.json"));

        assertEquals(START.plus(Duration.ofMinutes(20)).toString(), response.tokens().get(0).path("expiresAt").asText());
    }

    @Test
    void servesTheCachedTokenWithoutCallingStsOrEcrUntilHalfItsLifetimeHasPassed() {
        String first = invoke(handler, event("token-consumer-role.json")).tokens().get(0).path("password").asText();
        assertEquals(1, fake.stsCalls.get());
        assertEquals(1, fake.ecrCalls.get());

        clock.advance(Duration.ofMinutes(29).plusSeconds(59));
        Invocations.Response cached = invoke(handler, event("token-consumer-role.json"));
        assertEquals(first, cached.tokens().get(0).path("password").asText());
        assertEquals(START.plus(Duration.ofHours(1)).toString(), cached.tokens().get(0).path("expiresAt").asText());
        assertEquals(1, fake.stsCalls.get(), "a cache hit makes no STS call");
        assertEquals(1, fake.ecrCalls.get(), "a cache hit makes no ECR call");

        clock.advance(Duration.ofSeconds(1)); // exactly half of the one-hour session
        Invocations.Response refreshed = invoke(handler, event("token-consumer-role.json"));
        assertNotEquals(first, refreshed.tokens().get(0).path("password").asText());
        assertEquals(clock.instant().plus(Duration.ofHours(1)).toString(), refreshed.tokens().get(0).path("expiresAt").asText());
        assertEquals(2, fake.stsCalls.get());

        List<String> cache = output.lines().stream().filter(l -> "token issued".equals(l.path("message").asText()))
                .map(l -> l.path("cache").asText()).toList();
        assertEquals(List.of("miss", "hit", "miss"), cache);
        assertEquals(1, output.metric("TokenCacheHit"));
        assertEquals(2, output.metric("TokenCacheMiss"));
    }

    @Test
    void cachesPerCallerAndMintsInASessionNamedAfterEachCaller() {
        ObjectNode role = event("token-consumer-role.json");
        ObjectNode otherInstance = withIdentity(role, "333333333333",
                "arn:aws:sts::333333333333:assumed-role/puller/i-0fff000000000000", null);
        ObjectNode accountCaller = event("token-password.json");

        String a = invoke(handler, role).tokens().get(0).path("password").asText();
        String b = invoke(handler, otherInstance).tokens().get(0).path("password").asText();
        String c = invoke(handler, accountCaller).body();
        invoke(handler, role);

        assertEquals(3, fake.stsCalls.get());
        assertEquals(List.of("333333333333.puller.i-0abc123def4567890", "333333333333.puller.i-0fff000000000000",
                "111111111111.ci-builder.ci-runner-7"), fake.sessionNames);
        assertEquals(List.of(3600, 3600, 3600), fake.durations, "role chaining allows at most one hour");
        assertEquals(fake.issuedAccessKeys, fake.ecrAccessKeys, "ECR is called with each caller's own session");
        assertEquals(3, List.of(a, b, c).stream().distinct().count());
    }

    @Test
    void theJsonFormatCarriesEcrsAuthorizationTokenBase64OfAwsColonPassword() {
        JsonNode token = invoke(handler, event("token-consumer-role.json")).tokens().get(0);

        String decoded = new String(Base64.getDecoder().decode(token.path("authorizationToken").asText()),
                StandardCharsets.UTF_8);
        assertEquals("AWS:" + token.path("password").asText(), decoded);
        assertEquals(fake.passwords.get(0), token.path("password").asText());
    }

    @Test
    void perSessionCachingMintsOncePerHostOfABootingFleet() {
        for (ObjectNode event : fleetOf300()) {
            assertEquals(200, invoke(handler, event).status());
        }
        assertEquals(300, fake.stsCalls.get());
        assertEquals(300, fake.ecrCalls.get());
    }

    @Test
    void perRoleCachingMintsOncePerRoleInASessionNamedAfterTheRoleAndLogsEachCallingSession() {
        Map<String, String> env = new HashMap<>(Invocations.env());
        env.put(FunctionConfig.TOKEN_CACHE_SCOPE, "Role");
        TokenHandler perRole = handler(env, 2, TokenCache.DEFAULT_MAX_ENTRIES);

        Map<String, Set<String>> passwordsByRole = new HashMap<>();
        for (ObjectNode event : fleetOf300()) {
            Invocations.Response response = invoke(perRole, event);
            assertEquals(200, response.status(), response.raw());
            String arn = event.path("requestContext").path("identity").path("userArn").asText();
            passwordsByRole.computeIfAbsent(arn.replaceFirst("/i-.*", ""), k -> new java.util.HashSet<>())
                    .add(response.tokens().get(0).path("password").asText());
        }

        assertEquals(30, fake.stsCalls.get(), "one AssumeRole per role instead of per session");
        assertEquals(30, fake.ecrCalls.get());
        assertEquals(30, passwordsByRole.size());
        assertTrue(passwordsByRole.values().stream().allMatch(p -> p.size() == 1), "one token per role");
        assertEquals("111111111111.app-0", fake.sessionNames.get(0), "the minting session names the role");
        List<String> issued = output.lines().stream()
                .filter(line -> line.path("message").asText().equals("token issued")).map(line ->
                        line.path("callerArn").asText() + " " + line.path("cacheScope").asText()).toList();
        assertEquals(300, issued.size());
        assertEquals("arn:aws:sts::111111111111:assumed-role/app-29/i-29x9 role", issued.get(299),
                "the function's log still names the calling session");
    }

    @Test
    void anUnknownCacheScopeIsAConfigurationError() {
        Map<String, String> env = new HashMap<>(Invocations.env());
        env.put(FunctionConfig.TOKEN_CACHE_SCOPE, "Account");
        io.ecrshare.config.ConfigException error = org.junit.jupiter.api.Assertions.assertThrows(
                io.ecrshare.config.ConfigException.class, () -> handler(env, 2, 10));
        assertTrue(error.getMessage().contains("TOKEN_CACHE_SCOPE must be Session or Role"), error.getMessage());
    }

    @Test
    void concurrentCallersEachGetTheirOwnValidTokenAndOneCallerIsMintedOnceItsFirstAnswerIsCached() throws Exception {
        // Lambda runs one request per instance at a time; this checks the shared cache stays consistent when
        // a JVM does see concurrent calls (tests, or a future multi-concurrency runtime).
        List<ObjectNode> fleet = fleetOf300();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        Map<String, String> passwordBySession = new ConcurrentHashMap<>();
        try {
            List<Future<Invocations.Response>> answers = new ArrayList<>();
            for (ObjectNode event : fleet) {
                answers.add(pool.submit(() -> invoke(handler, event)));
            }
            for (int i = 0; i < fleet.size(); i++) {
                Invocations.Response response = answers.get(i).get();
                assertEquals(200, response.status(), response.raw());
                passwordBySession.put(fleet.get(i).path("requestContext").path("identity").path("userArn").asText(),
                        response.tokens().get(0).path("password").asText());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(300, Set.copyOf(passwordBySession.values()).size(), "no caller got another caller's token");
        int callsBefore = fake.stsCalls.get();
        for (ObjectNode event : fleet) {
            String arn = event.path("requestContext").path("identity").path("userArn").asText();
            assertEquals(passwordBySession.get(arn), invoke(handler, event).tokens().get(0).path("password").asText());
        }
        assertEquals(callsBefore, fake.stsCalls.get(), "every caller's token was cached");
    }

    @Test
    void ecrThrottlingIsRetriedOnceThenAnswered429WithRetryAfter() {
        fake.fail("ECR", 400, "ThrottlingException", 1);
        assertEquals(200, invoke(handler, event("token-consumer-role.json")).status(), "one throttle is ridden out");

        fake.fail("ECR", 400, "ThrottlingException", 2);
        Invocations.Response response = invoke(handler, withIdentity(event("token-consumer-role.json"), "111111111111",
                "arn:aws:sts::111111111111:assumed-role/other/x", null));

        assertEquals(429, response.status(), response.raw());
        assertEquals(String.valueOf(TokenService.RETRY_AFTER_SECONDS), response.headers().get("Retry-After"));
        assertEquals("Throttled", response.json().path("error").asText());
        assertEquals("5e6f7a8b-0000-0000-0000-000000000000".length(), response.json().path("requestId").asText().length());
    }

    @Test
    void stsThrottlingIsAnswered429() {
        fake.fail("STS", 400, "Throttling", 2);

        Invocations.Response response = invoke(handler, event("token-consumer-role.json"));

        assertEquals(429, response.status(), response.raw());
        assertEquals("2", response.headers().get("Retry-After"));
        assertEquals(0, fake.ecrCalls.get());
    }

    @Test
    void otherUpstreamFailuresAre502WithoutDetailsOfOurs() {
        fake.fail("STS", 403, "AccessDenied", 1);
        Invocations.Response denied = invoke(handler, event("token-consumer-role.json"));
        assertEquals(502, denied.status(), denied.raw());
        assertEquals("UpstreamFailure", denied.json().path("error").asText());
        assertTrue(denied.json().path("message").asText().contains("AccessDenied"));

        fake.fail("ECR", 500, "ServerException", 2);
        Invocations.Response serverError = invoke(handler, event("token-consumer-role.json"));
        assertEquals(502, serverError.status(), serverError.raw());
        assertTrue(!serverError.body().contains("Exception:") && !serverError.body().contains("\tat "), serverError.body());
    }

    @Test
    void unreachableUpstreamIs502() {
        fake.close();

        Invocations.Response response = invoke(handler, event("token-consumer-role.json"));

        assertEquals(502, response.status(), response.raw());
        assertEquals("no-store", response.headers().get("Cache-Control"));
    }

    @Test
    void aFloodOfDistinctCallersIsBoundedByTheCacheSize() {
        TokenHandler small = handler(1, 3);
        for (int i = 0; i < 5; i++) {
            assertEquals(200, invoke(small, withIdentity(event("token-consumer-role.json"), "111111111111",
                    "arn:aws:sts::111111111111:assumed-role/r/session-" + i, null)).status());
        }
        invoke(small, withIdentity(event("token-consumer-role.json"), "111111111111",
                "arn:aws:sts::111111111111:assumed-role/r/session-4", null));
        invoke(small, withIdentity(event("token-consumer-role.json"), "111111111111",
                "arn:aws:sts::111111111111:assumed-role/r/session-0", null));

        assertEquals(6, fake.stsCalls.get(), "session-4 is still cached, session-0 was evicted");
    }

    @Test
    void theDefaultRegistryIsThisDeploymentsOwn() {
        Invocations.Response response = invoke(handler, withQuery(event("token-consumer-role.json"), query()));

        assertEquals(200, response.status(), response.raw());
        JsonNode token = response.tokens().get(0);
        assertEquals(Invocations.OWNER, token.path("registryId").asText());
        assertEquals("AWS", token.path("username").asText());
        assertEquals("https://123456789012.dkr.ecr.us-east-1.amazonaws.com", token.path("proxyEndpoint").asText());
        assertEquals("application/json", response.headers().get("Content-Type"));
        assertEquals("no-store", response.headers().get("Cache-Control"));
    }
}
