package io.ecrshare.wiring;

import io.ecrshare.config.FunctionConfig;
import io.ecrshare.share.Action;
import io.ecrshare.share.Decision;
import io.ecrshare.share.ReconcileReport;
import io.ecrshare.testsupport.TestConfig;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
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

    @Test
    void theReconcilePrimingSweepsFromMemory() {
        Map<String, String> env = new HashMap<>(TestConfig.env());
        env.put("AWS_REGION", "eu-west-1");
        ReconcileReport report = SharingPriming.primeSweep(FunctionConfig.fromEnvironment(env), env);
        assertEquals(List.of(SharingPriming.REPOSITORY), report.entries().stream().map(ReconcileReport.Entry::repository).toList());
        assertEquals(Action.GRANTED, report.entries().get(0).action());
    }
}
