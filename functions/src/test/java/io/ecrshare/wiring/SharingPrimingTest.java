package io.ecrshare.wiring;

import io.ecrshare.config.FunctionConfig;
import io.ecrshare.share.Action;
import io.ecrshare.share.Decision;
import io.ecrshare.testsupport.TestConfig;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharingPrimingTest {

    @Test
    void primingRunsAWholeGrantFromMemory() {
        Map<String, String> env = new HashMap<>(TestConfig.env());
        env.put("AWS_REGION", "eu-west-1");
        // No endpoint, no credentials in env: nothing may leave the process.
        Decision decision = SharingPriming.prime(FunctionConfig.fromEnvironment(env), env);
        assertEquals(Action.GRANTED, decision.action());
        assertEquals(SharingPriming.REPOSITORY, decision.repository());
        assertTrue(decision.after().orElseThrow().toJson().contains("EcrSharePullAccounts"));
    }
}
