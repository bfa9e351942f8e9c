package io.ecrshare.aws;

import io.ecrshare.event.CloudTrailEvent;
import io.ecrshare.observability.JsonLog;
import io.ecrshare.share.CorrectionNotifier;
import io.ecrshare.share.Decision;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Publishes one short message per correction to an SNS topic. A failed notification is logged, not thrown:
 * the correction itself succeeded and must not be retried because an e-mail could not be sent. The SNS client
 * is built on the first notification: most events correct nothing, so the init phase does not pay for it.
 */
public final class SnsCorrectionNotifier implements CorrectionNotifier {

    private static final int MAX_SUBJECT = 100;

    private final Supplier<SnsClient> clientFactory;
    private final String topicArn;
    private final JsonLog log;
    private SnsClient sns;

    public SnsCorrectionNotifier(SnsClient sns, String topicArn, JsonLog log) {
        this(() -> sns, topicArn, log);
    }

    /** @param clientFactory called once, on the first notification */
    public SnsCorrectionNotifier(Supplier<SnsClient> clientFactory, String topicArn, JsonLog log) {
        this.clientFactory = clientFactory;
        this.topicArn = topicArn;
        this.log = log;
    }

    private synchronized SnsClient client() {
        if (sns == null) {
            sns = clientFactory.get();
        }
        return sns;
    }

    @Override
    public void corrected(Decision decision, CloudTrailEvent cause) {
        String subject = "ecr-share " + decision.action().label() + " policy of " + decision.repository();
        if (subject.length() > MAX_SUBJECT) {
            subject = subject.substring(0, MAX_SUBJECT - 3) + "...";
        }
        String message = CorrectionNotifier.describe(decision, cause);
        String finalSubject = subject;
        try {
            client().publish(r -> r.topicArn(topicArn).subject(finalSubject).message(message));
        } catch (SdkException e) {
            log.warn("notification failed", Map.of("repository", decision.repository(), "topic", topicArn,
                    "error", String.valueOf(e.getMessage())));
        }
    }
}
