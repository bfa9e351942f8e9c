package io.ecrshare.share;

import io.ecrshare.testsupport.CapturedOutput;
import io.ecrshare.testsupport.InMemoryRegistry;
import io.ecrshare.testsupport.TestConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep's rules on the in-memory registry: plan writes nothing, one failure does not stop the rest. */
class ReconcilerTest {

    private final CapturedOutput output = new CapturedOutput();
    private final InMemoryRegistry registry = new InMemoryRegistry()
            .repository("a-shared", Map.of("ecr-share", "true"))
            .repository("b-broken", Map.of("ecr-share", "true"))
            .repository("c-private", Map.of());
    private final Reconciler reconciler = TestConfig.components(TestConfig.env(), registry, output, "reconcile",
            new TestConfig.RecordingSleeper()).reconciler();

    @Test
    void planReportsWhatItWouldDoAndWritesNothing() {
        registry.failing("b-broken", new IllegalStateException("throttled for good"));
        ReconcileReport plan = reconciler.run(true, "plan");
        assertEquals(0, registry.writes());
        assertEquals(Action.GRANTED, plan.entries().stream().filter(e -> e.repository().equals("a-shared")).findFirst()
                .orElseThrow().action());
        assertEquals(0, output.metric("Granted"), "a plan counts nothing as done");
    }

    @Test
    void aFailedRepositoryDoesNotStopTheSweepAndIsListed() {
        registry.failing("b-broken", new IllegalStateException("throttled for good"));
        ReconcileReport report = reconciler.run(false, "schedule");
        assertEquals(1, report.failures().size());
        assertEquals("b-broken", report.failures().get(0).repository());
        assertTrue(registry.storedPolicy("a-shared").isPresent(), "the healthy repository was still granted");
        assertEquals(1, output.metric("Granted"));
        assertEquals(1, output.metric("Unchanged"));
        assertEquals(1, output.metric("Errors"));
    }

    @Test
    void aConvergedRegistryCostsTwoReadsPerRepositoryAndNoWrite() {
        reconciler.run(false, "schedule");
        registry.calls.clear();
        ReconcileReport second = reconciler.run(false, "schedule");
        assertEquals(0, registry.writes());
        assertEquals(1 + 2 * 3, registry.calls.size(), registry.calls.toString());
        assertEquals(3, second.totals().get(Action.UNCHANGED));
    }
}
