package io.ecrshare.token;

import io.ecrshare.config.FunctionConfig;
import io.ecrshare.tokenapi.TokenPriming;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TokenPrimingTest {

    @Test
    void primingRunsTheWholeRequestPathOfflineAndSilently() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<Integer> statuses;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            // No AWS_ENDPOINT_URL and a real region: any network call would go to AWS and fail.
            Map<String, String> env = Map.of("AWS_REGION", "eu-west-1", "CONSUMER_ACCOUNT_IDS", "111111111111");
            statuses = TokenPriming.prime(FunctionConfig.fromEnvironment(env), env);
        } finally {
            System.setOut(original);
        }
        assertEquals(List.of(200, 200, 400), statuses, "miss through the SDK, cache hit, bad request");
        assertEquals("", captured.toString(StandardCharsets.UTF_8), "priming writes no log lines");
    }
}
