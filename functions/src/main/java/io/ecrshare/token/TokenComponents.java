package io.ecrshare.token;

import io.ecrshare.aws.AwsClients;
import io.ecrshare.aws.StsEcrTokenMinter;
import io.ecrshare.config.ConfigException;
import io.ecrshare.config.ShareConfig;
import io.ecrshare.observability.EmbeddedMetrics;
import io.ecrshare.observability.JsonLog;

import java.time.Clock;
import java.util.Map;
import java.util.regex.Pattern;

/** Wires the token endpoint from configuration: the same consumer settings the policy functions use. */
public final class TokenComponents {

    public static final String TOKEN_ROLE_ARN = "TOKEN_ROLE_ARN";
    static final String FUNCTION = "token";
    /** One retry: a caller behind API Gateway's 29 s limit is better served by a quick 429. */
    static final int UPSTREAM_ATTEMPTS = 2;

    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");

    private TokenComponents() {
    }

    static Map<String, String> environment() {
        return System.getenv();
    }

    public static TokenService fromEnvironment() {
        JsonLog log = JsonLog.stdout(FUNCTION);
        try {
            Map<String, String> env = environment();
            return create(env, AwsClients.fromEnvironment().withMaxAttempts(UPSTREAM_ATTEMPTS), Clock.systemUTC(), log,
                    EmbeddedMetrics.stdout(FUNCTION), TokenCache.DEFAULT_MAX_ENTRIES);
        } catch (ConfigException e) {
            log.error("invalid configuration", Map.of("error", e.getMessage()));
            throw e;
        }
    }

    /** Also the tests' wiring, with clients pointed at moto or a loopback fake and a controllable clock. */
    public static TokenService create(Map<String, String> env, AwsClients clients, Clock clock, JsonLog log,
                                      EmbeddedMetrics metrics, int cacheEntries) {
        ShareConfig config = ShareConfig.fromEnvironment(env);
        String roleArn = tokenRoleArn(env);
        TokenMinter minter = new StsEcrTokenMinter(clients.sts(), clients.ecr(), roleArn);
        CacheScope scope = CacheScope.parse(env.get(CacheScope.TOKEN_CACHE_SCOPE));
        return new TokenService(config, minter, new TokenCache(clock, cacheEntries, scope), clock, log, metrics);
    }

    static String tokenRoleArn(Map<String, String> env) {
        String roleArn = env.get(TOKEN_ROLE_ARN);
        if (roleArn == null || roleArn.isBlank()) {
            throw new ConfigException(TOKEN_ROLE_ARN + " is not set: the ARN of the role whose sessions mint tokens");
        }
        if (!ROLE_ARN.matcher(roleArn.trim()).matches()) {
            throw new ConfigException(TOKEN_ROLE_ARN + " must be an IAM role ARN, got: " + roleArn);
        }
        return roleArn.trim();
    }
}
