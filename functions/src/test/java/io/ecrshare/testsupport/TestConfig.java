package io.ecrshare.testsupport;

import io.ecrshare.config.FunctionConfig;
import io.ecrshare.observability.EmbeddedMetrics;
import io.ecrshare.observability.JsonLog;
import io.ecrshare.registry.RepositoryRegistry;
import io.ecrshare.share.CorrectionNotifier;
import io.ecrshare.share.Sleeper;
import io.ecrshare.wiring.SharingComponents;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The configuration the tests deploy with, and components wired from it. */
public final class TestConfig {

    public static final String OWN_ROLE = "arn:aws:iam::123456789012:role/ecr-share-EnforceFunctionRole-1A2B3C4D5E6F";

    private TestConfig() {
    }

    public static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("CONSUMER_ACCOUNT_IDS", "111111111111,222222222222");
        env.put("CONSUMER_PRINCIPAL_ARNS", "arn:aws:iam::333333333333:role/puller");
        env.put("CONSUMER_ORG_IDS", "o-a1b2c3d4e5");
        env.put("OWNER_ACCOUNT_ID", "123456789012");
        env.put("AWS_REGION", "us-east-1");
        env.put("OWN_ROLE_ARNS", OWN_ROLE + ",arn:aws:iam::123456789012:role/ecr-share-GrantFunctionRole-0F9E8D7C6B5A");
        return env;
    }

    /** Records the waits instead of sleeping, so retry tests are fast and can assert the backoff. */
    public static final class RecordingSleeper implements Sleeper {
        public final List<Duration> waits = new ArrayList<>();

        @Override
        public void sleep(Duration duration) {
            waits.add(duration);
        }
    }

    public static SharingComponents components(Map<String, String> env, RepositoryRegistry registry, CapturedOutput output,
                                               String function, Sleeper sleeper) {
        return components(env, registry, output, function, sleeper, CorrectionNotifier.NONE);
    }

    public static SharingComponents components(Map<String, String> env, RepositoryRegistry registry, CapturedOutput output,
                                               String function, Sleeper sleeper, CorrectionNotifier notifier) {
        JsonLog log = output.log(function);
        EmbeddedMetrics metrics = output.metrics(function);
        return SharingComponents.create(FunctionConfig.fromEnvironment(env), registry, log, metrics, sleeper, notifier);
    }
}
