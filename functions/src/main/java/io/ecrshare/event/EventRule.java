package io.ecrshare.event;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an EventBridge rule of template.yaml lets through to a function, as data: the one definition the
 * handlers check every event against (an event invoked directly, or redriven from a queue, has not been
 * through the rule) and that {@code EventPatternMotoTest} compares with the template's patterns. Every rule
 * also requires that the call succeeded ({@code errorCode} absent).
 */
public record EventRule(String function, List<String> sources, List<String> detailTypes, List<String> eventSources,
                        List<String> eventNames) {

    public static final EventRule GRANT = new EventRule("GrantFunction", List.of("aws.ecr"),
            List.of("AWS API Call via CloudTrail", "AWS Service Event via CloudTrail"),
            List.of("ecr.amazonaws.com", "replication.ecr.amazonaws.com"),
            List.of("CreateRepository", "TagResource", "UntagResource"));

    public static final EventRule ENFORCE = new EventRule("EnforceFunction", List.of("aws.ecr"),
            List.of("AWS API Call via CloudTrail"),
            List.of("ecr.amazonaws.com"),
            List.of("SetRepositoryPolicy", "DeleteRepositoryPolicy"));

    public EventRule {
        sources = List.copyOf(sources);
        detailTypes = List.copyOf(detailTypes);
        eventSources = List.copyOf(eventSources);
        eventNames = List.copyOf(eventNames);
    }

    /** The EventBridge pattern this definition stands for (template.yaml's rule must be exactly this). */
    public Map<String, Object> pattern() {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("eventSource", eventSources);
        detail.put("eventName", eventNames);
        detail.put("errorCode", List.of(Map.of("exists", false)));
        Map<String, Object> pattern = new LinkedHashMap<>();
        pattern.put("source", sources);
        pattern.put("detail-type", detailTypes);
        pattern.put("detail", detail);
        return pattern;
    }

    /** Why the rule would not have delivered the event, or empty when it would have. */
    public Optional<String> rejection(CloudTrailEvent event) {
        if (!sources.contains(event.source())) {
            return Optional.of("source " + event.source() + " is not one of " + sources);
        }
        if (!detailTypes.contains(event.detailType())) {
            return Optional.of("detail-type " + event.detailType() + " is not one of " + detailTypes);
        }
        if (!eventSources.contains(event.eventSource())) {
            return Optional.of("eventSource " + event.eventSource() + " is not one of " + eventSources);
        }
        if (!eventNames.contains(event.eventName())) {
            return Optional.of("eventName " + event.eventName() + " is not one of " + eventNames);
        }
        if (event.errorCode() != null) {
            return Optional.of("the call failed (errorCode " + event.errorCode() + ")");
        }
        return Optional.empty();
    }
}
