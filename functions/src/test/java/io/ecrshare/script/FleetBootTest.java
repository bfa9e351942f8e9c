package io.ecrshare.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boot storms: hosts running the real ecr-login.sh under dash with its real backoff (2 s base, 20 s cap,
 * full jitter, no test-only knobs), all firing their first request within the same second, against the
 * loopback endpoint throttled like API Gateway. Timing is printed, not asserted (performance lives in
 * scripts/benchmark.sh --fleet and docs/benchmarks.md).
 *
 * <p>Why the storm is scaled: on this 2-core machine hundreds of shell processes cannot reach 50
 * requests/s (the template's default rate) - they top out near 20 - so 300 hosts at the default throttle
 * never get throttled here. The scaled storm keeps every ratio that decides the outcome and divides hosts,
 * rate and burst by 10: 30 hosts against 5/s, burst 10 have the same hosts/burst (3), hosts/(rate x backoff
 * base) (3) and backoff cap x rate / hosts (3.3) as 300 hosts against 50/s, burst 100, and the same time
 * scale (hosts/rate = 6 s), so the same share of hosts is throttled and retries the same number of times.
 * The 300-host run at the defaults still runs, to prove 300 concurrent runs all log in.
 */
class FleetBootTest {

    @TempDir
    Path work;

    @Test
    void aBootStormAtTheDefaultThrottleScaledByATenthAllLogsInWithFewRequestsPerHost() throws Exception {
        double[] defaults = FleetBoot.templateThrottle();
        FleetBoot.Boot boot = FleetBoot.boot(work, 30, defaults[0] / 10, (int) (defaults[1] / 10));
        System.out.println("scaled fleet boot: " + boot);

        assertEquals(Map.of(0, 30), boot.exitCodes(), boot.toString());
        assertTrue(boot.throttled() >= 5, "the throttle must have engaged, or this proves nothing: " + boot);
        assertTrue(boot.requestsPerHost() <= 4, "requests per host: " + boot);
    }

    @Test
    void threeHundredSimultaneousBootsAtTheDefaultThrottleAllLogIn() throws Exception {
        double[] defaults = FleetBoot.templateThrottle();
        FleetBoot.Boot boot = FleetBoot.boot(work, 300, defaults[0], (int) defaults[1]);
        System.out.println("fleet boot: " + boot);

        assertEquals(Map.of(0, 300), boot.exitCodes(), boot.toString());
        assertTrue(boot.requestsPerHost() <= 4, "requests per host: " + boot);
    }
}
