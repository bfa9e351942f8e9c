package io.ecrshare.token;

import io.ecrshare.config.FunctionConfig;
import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.tokenapi.TokenHandler;
import io.ecrshare.wiring.TokenComponents;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.ecrshare.token.Invocations.event;
import static io.ecrshare.token.Invocations.invoke;
import static io.ecrshare.token.Invocations.query;
import static io.ecrshare.token.Invocations.withIdentity;
import static io.ecrshare.token.Invocations.withQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every path of the endpoint, with ALL output captured (our log and metric lines, and anything else written
 * to stdout or stderr): no password, token, access key, secret key or session token the fake services
 * handed out may appear in it, and no stack trace.
 */
class TokenLogSecrecyTest {

    @Test
    void noSecretEverReachesTheLogs() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
        CapturedOutput output = new CapturedOutput();
        ByteArrayOutputStream stray = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        List<Integer> statuses = new ArrayList<>();
        List<String> responses = new ArrayList<>();
        FakeStsEcr fake = new FakeStsEcr(clock);
        try {
            System.setOut(new PrintStream(stray, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stray, true, StandardCharsets.UTF_8));
            TokenHandler handler = new TokenHandler(TokenComponents.create(FunctionConfig.fromEnvironment(Invocations.env()), fake.clients(1), clock,
                    output.log("token"), output.metrics("token"), TokenCache.DEFAULT_MAX_ENTRIES));

            List<Runnable> paths = List.of(
                    () -> record(invoke(handler, event("token-consumer-role.json")), statuses, responses),      // 200 miss
                    () -> record(invoke(handler, event("token-consumer-role.json")), statuses, responses),      // 200 hit
                    () -> record(invoke(handler, event("token-password.json")), statuses, responses),           // 200 password
                    () -> record(invoke(handler, event("token-unknown-caller.json")), statuses, responses),     // 403
                    () -> record(invoke(handler, event("token-malformed.json")), statuses, responses),          // 400
                    () -> record(invoke(handler, withQuery(event("token-password.json"),
                            query("registryIds", "210987654321"))), statuses, responses),                        // 404
                    () -> {
                        fake.fail("ECR", 400, "ThrottlingException", 1);
                        record(invoke(handler, other("a")), statuses, responses);                                // 429 (after STS issued keys)
                    },
                    () -> {
                        fake.fail("ECR", 500, "ServerException", 1);
                        record(invoke(handler, other("b")), statuses, responses);                                // 502
                    },
                    () -> {
                        fake.fail("STS", 400, "Throttling", 1);
                        record(invoke(handler, other("c")), statuses, responses);                                // 429 from STS
                    },
                    () -> {
                        clock.advance(Duration.ofMinutes(31));
                        record(invoke(handler, event("token-consumer-role.json")), statuses, responses);       // 200 refresh
                    });
            paths.forEach(Runnable::run);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
            fake.close();
        }

        assertEquals(List.of(200, 200, 200, 403, 400, 404, 429, 502, 429, 200), statuses);
        String everything = output.text() + stray.toString(StandardCharsets.UTF_8);
        List<String> secrets = fake.allSecrets();
        assertTrue(secrets.size() >= 20, "the fake handed out keys, tokens and passwords: " + secrets.size());
        assertTrue(responses.stream().anyMatch(r -> r.contains(fake.passwords.get(0))), "the passwords did go to callers");
        for (String secret : secrets) {
            assertFalse(everything.contains(secret), "a secret appeared in the output: " + secret.substring(0, 12) + "...");
        }
        for (String word : List.of("authorizationToken", "password\":", "secretAccessKey", "sessionToken", "\tat ", "Exception:")) {
            assertFalse(everything.contains(word), "the output contains " + word);
        }
        assertEquals(4, output.lines().stream().filter(l -> "token issued".equals(l.path("message").asText())).count(),
                "one line per issuance");
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode other(String session) {
        return withIdentity(event("token-consumer-role.json"), "111111111111",
                "arn:aws:sts::111111111111:assumed-role/fleet/" + session, null);
    }

    private static void record(Invocations.Response response, List<Integer> statuses, List<String> responses) {
        statuses.add(response.status());
        responses.add(response.body());
    }
}
