package io.ecrshare.token;

import io.ecrshare.minting.IssuedToken;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class TokenCacheTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private final MutableClock clock = new MutableClock(T0);

    private static List<IssuedToken> token(Instant expiresAt) {
        return List.of(new IssuedToken("123456789012", "https://x", "AWS", "pw", expiresAt));
    }

    @Test
    void anEntryIsServedUntilHalfItsLifetimeHasPassed() {
        TokenCache cache = new TokenCache(clock, 10);
        cache.put("k", token(T0.plus(Duration.ofHours(12))), T0);

        clock.advance(Duration.ofHours(6).minusMillis(1));
        assertNotNull(cache.get("k"));
        clock.advance(Duration.ofMillis(1));
        assertNull(cache.get("k"));
        assertEquals(0, cache.size(), "a stale entry is dropped when found");
    }

    @Test
    void halfLifeIsMeasuredFromIssueTimeToTheReportedExpiry() {
        TokenCache cache = new TokenCache(clock, 10);
        cache.put("k", token(T0.plus(Duration.ofMinutes(60))), T0.minus(Duration.ofMinutes(20)));
        // lifetime 80 min from issue, refresh at issue + 40 min = T0 + 20 min
        clock.advance(Duration.ofMinutes(19));
        assertNotNull(cache.get("k"));
        clock.advance(Duration.ofMinutes(1));
        assertNull(cache.get("k"));
    }

    @Test
    void tokensWithNoLifetimeLeftAreNotCached() {
        TokenCache cache = new TokenCache(clock, 10);
        cache.put("k", token(T0.minusSeconds(1)), T0);
        cache.put("j", token(T0), T0);
        assertEquals(0, cache.size());
    }

    @Test
    void overTheBoundExpiredEntriesGoFirstThenTheLeastRecentlyUsed() {
        TokenCache cache = new TokenCache(clock, 3);
        cache.put("short", token(T0.plus(Duration.ofMinutes(2))), T0);
        cache.put("a", token(T0.plus(Duration.ofHours(1))), T0);
        cache.put("b", token(T0.plus(Duration.ofHours(1))), T0);
        clock.advance(Duration.ofMinutes(1)); // "short" reaches its half-life
        cache.put("c", token(T0.plus(Duration.ofHours(1))), T0);
        assertEquals(3, cache.size());
        assertNull(cache.get("short"));

        cache.get("a"); // b is now the least recently used
        cache.put("d", token(T0.plus(Duration.ofHours(1))), T0);
        assertEquals(3, cache.size());
        assertNull(cache.get("b"));
        assertNotNull(cache.get("a"));
        assertNotNull(cache.get("c"));
        assertNotNull(cache.get("d"));
    }

    @Test
    void theKeyIsTheCallerAndTheSetOfRegistries() {
        Caller caller = new Caller("111111111111", "arn:aws:sts::111111111111:assumed-role/r/s", null);
        assertEquals(new TokenCache(clock, 1).key(caller, List.of("2", "1")), new TokenCache(clock, 1).key(caller, List.of("1", "2")));
        Caller other = new Caller("111111111111", "arn:aws:sts::111111111111:assumed-role/r/t", null);
        assertEquals(false, new TokenCache(clock, 1).key(caller, List.of("1")).equals(new TokenCache(clock, 1).key(other, List.of("1"))));
    }
}
