package io.ecrshare.token;

import io.ecrshare.config.TokenCacheScope;
import io.ecrshare.minting.IssuedToken;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tokens per caller (or per role, see {@link TokenCacheScope}), in memory, each used until half of its lifetime has passed (as
 * amazon-ecr-credential-helper does), so a caller always gets a token with at least half its life left and
 * steady-state requests make no STS or ECR call. Bounded: a flood of distinct callers evicts expired entries
 * first, then the least recently used.
 */
public final class TokenCache {

    public static final int DEFAULT_MAX_ENTRIES = 1_000;

    private final Clock clock;
    private final int maxEntries;
    private final TokenCacheScope scope;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    private record Entry(List<IssuedToken> tokens, Instant refreshAt) {
    }

    public TokenCache(Clock clock, int maxEntries) {
        this(clock, maxEntries, TokenCacheScope.SESSION);
    }

    public TokenCache(Clock clock, int maxEntries, TokenCacheScope scope) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        this.clock = clock;
        this.maxEntries = maxEntries;
        this.scope = scope;
    }

    public TokenCacheScope scope() {
        return scope;
    }

    /** The key of one caller's (or role's) tokens for one set of registries (order and format do not matter). */
    public String key(Caller caller, List<String> registryIds) {
        String who;
        if (sharedByRole(caller)) {
            who = "role:" + caller.principalAccountId() + ":" + caller.roleName();
        } else {
            who = caller.arn() != null ? caller.arn() : "account:" + caller.accountId();
        }
        return who + "|" + String.join(",", registryIds.stream().sorted().toList());
    }

    /** True when this caller's token is shared by every session of its role. */
    public boolean sharedByRole(Caller caller) {
        return scope == TokenCacheScope.ROLE && caller.roleName() != null;
    }

    /** Cached tokens still within the first half of their lifetime, else null. */
    public synchronized List<IssuedToken> get(String key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (!clock.instant().isBefore(entry.refreshAt())) {
            entries.remove(key);
            return null;
        }
        return entry.tokens();
    }

    /** Caches tokens issued at {@code issuedAt}; tokens with no lifetime left are not cached. */
    public synchronized void put(String key, List<IssuedToken> tokens, Instant issuedAt) {
        Instant expiresAt = tokens.stream().map(IssuedToken::expiresAt).min(Instant::compareTo).orElse(issuedAt);
        Duration lifetime = Duration.between(issuedAt, expiresAt);
        if (lifetime.isNegative() || lifetime.isZero()) {
            return;
        }
        entries.put(key, new Entry(List.copyOf(tokens), issuedAt.plus(lifetime.dividedBy(2))));
        if (entries.size() > maxEntries) {
            evict();
        }
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized void clear() {
        entries.clear();
    }

    private void evict() {
        Instant now = clock.instant();
        entries.values().removeIf(entry -> !now.isBefore(entry.refreshAt()));
        Iterator<Map.Entry<String, Entry>> leastRecentlyUsed = entries.entrySet().iterator();
        while (entries.size() > maxEntries && leastRecentlyUsed.hasNext()) {
            leastRecentlyUsed.next();
            leastRecentlyUsed.remove();
        }
    }
}
