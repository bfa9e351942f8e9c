package io.ecrshare.token;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecrshare.config.FunctionConfig;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.EmfDirective;
import io.ecrshare.tokenapi.TokenHandler;
import io.ecrshare.wiring.TokenComponents;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

import static io.ecrshare.token.Invocations.event;
import static io.ecrshare.token.Invocations.invoke;
import static io.ecrshare.token.Invocations.query;
import static io.ecrshare.token.Invocations.withIdentity;
import static io.ecrshare.token.Invocations.withQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every metric the token function emits, on every path, is valid embedded metric format of this project. */
class TokenMetricsTest {

    @Test
    void everyTokenMetricCarriesAValidDirective() throws Exception {
        CapturedOutput output = new CapturedOutput();
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        try (FakeStsEcr fake = new FakeStsEcr(clock)) {
            TokenHandler handler = new TokenHandler(TokenComponents.create(FunctionConfig.fromEnvironment(Invocations.env()),
                    fake.clients(1), clock, output.log("token"), output.metrics("token"), 16));
            invoke(handler, event("token-consumer-role.json"));                                   // miss
            invoke(handler, event("token-consumer-role.json"));                                   // hit
            invoke(handler, withQuery(event("token-consumer-role.json"), query("registryIds", "12")));  // 400
            invoke(handler, withIdentity(event("token-consumer-role.json"), "999999999999",
                    "arn:aws:sts::999999999999:assumed-role/x/y", null));                         // 403
            invoke(handler, withQuery(event("token-consumer-role.json"), query("registryIds", "999999999999"))); // 404
            fake.fail("STS", 400, "Throttling", 1);
            invoke(handler, withIdentity(event("token-consumer-role.json"), "111111111111",
                    "arn:aws:sts::111111111111:assumed-role/other/s", null));                     // 429
            fake.fail("ECR", 500, "ServerException", 1);
            invoke(handler, withIdentity(event("token-consumer-role.json"), "222222222222",
                    "arn:aws:sts::222222222222:assumed-role/other/s", null));                     // 502
        }
        Set<String> names = new TreeSet<>();
        for (JsonNode line : output.metricLines()) {
            names.addAll(EmfDirective.check(line));
            assertEquals("token", line.path("Function").asText());
        }
        assertEquals(new TreeSet<>(Set.of("TokenIssued", "TokenCacheMiss", "TokenCacheHit", "TokenRefused400",
                "TokenRefused403", "TokenRefused404", "TokenRefused429", "TokenRefused502", "TokenUpstreamThrottled",
                "TokenUpstreamFailed")), names);
    }
}
