package io.ecrshare.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.registry.RepositoryRef;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * An EventBridge event carrying a CloudTrail record from ECR: "AWS API Call via CloudTrail" for calls made by
 * people and tools, "AWS Service Event via CloudTrail" for repositories ECR creates itself (pull-through
 * cache, replication, create-on-push). Only identity fields are read from it; state is always read from ECR.
 */
public record CloudTrailEvent(String source, String detailType, String eventSource, String eventName, String errorCode,
                              String eventId, String eventTime, String region, String account,
                              String actor, String sessionIssuerArn, Optional<RepositoryRef> repository,
                              String notARepositoryReason, JsonNode requestParameters) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static CloudTrailEvent parse(InputStream input) {
        JsonNode root;
        try {
            root = JSON.readTree(input);
        } catch (IOException e) {
            throw new MalformedEventException("event is not valid JSON: " + e.getMessage());
        }
        return parse(root);
    }

    public static CloudTrailEvent parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new MalformedEventException("event is not a JSON object");
        }
        String detailType = requiredText(root, "detail-type", "detail-type");
        JsonNode detail = root.get("detail");
        if (detail == null || !detail.isObject()) {
            throw new MalformedEventException("event has no 'detail' object (expected a CloudTrail record)");
        }
        String eventName = requiredText(detail, "eventName", "detail.eventName");
        String source = text(root, "source").orElse(null);
        String eventSource = text(detail, "eventSource").orElse(null);
        // Present at all (even null or empty) means the call did not plainly succeed: the rules match only
        // events without the field.
        String errorCode = detail.has("errorCode") ? detail.get("errorCode").asText("(null)") : null;
        String region = text(detail, "awsRegion").or(() -> text(root, "region"))
                .orElseThrow(() -> new MalformedEventException("event has neither 'detail.awsRegion' nor 'region'"));
        String account = text(detail, "recipientAccountId").or(() -> text(root, "account"))
                .orElseThrow(() -> new MalformedEventException("event has neither 'detail.recipientAccountId' nor 'account'"));
        JsonNode identity = detail.path("userIdentity");
        String actor = text(identity, "arn").or(() -> text(identity, "invokedBy"))
                .or(() -> text(detail, "eventSource")).orElse("unknown");
        String issuer = text(identity.path("sessionContext").path("sessionIssuer"), "arn").orElse(null);
        String eventId = text(detail, "eventID").or(() -> text(root, "id")).orElse("unknown");
        String eventTime = text(detail, "eventTime").or(() -> text(root, "time")).orElse("unknown");

        JsonNode request = detail.path("requestParameters");
        JsonNode response = detail.path("responseElements");
        String registryId = text(request, "registryId").or(() -> text(response, "registryId"))
                .or(() -> text(response.path("repository"), "registryId")).orElse(account);

        Optional<String> name = text(request, "repositoryName")
                .or(() -> text(detail.path("serviceEventDetails"), "repositoryName"))
                .or(() -> text(response.path("repository"), "repositoryName"))
                .or(() -> text(response, "repositoryName"));
        if (name.isPresent()) {
            return new CloudTrailEvent(source, detailType, eventSource, eventName, errorCode, eventId, eventTime, region, account,
                    actor, issuer, Optional.of(new RepositoryRef(registryId, region, name.get())), null, request);
        }
        Optional<String> resourceArn = text(request, "resourceArn");
        if (resourceArn.isEmpty()) {
            throw new MalformedEventException("event names no repository: expected detail.requestParameters.repositoryName, "
                    + "detail.requestParameters.resourceArn or detail.serviceEventDetails.repositoryName");
        }
        // arn:aws:ecr:REGION:ACCOUNT:repository/NAME (names may contain '/')
        String[] parts = resourceArn.get().split(":", 6);
        if (parts.length != 6 || !"ecr".equals(parts[2])) {
            throw new MalformedEventException("detail.requestParameters.resourceArn is not an ECR ARN: " + resourceArn.get());
        }
        if (!parts[5].startsWith("repository/") || parts[5].length() == "repository/".length()) {
            return new CloudTrailEvent(source, detailType, eventSource, eventName, errorCode, eventId, eventTime, region, account,
                    actor, issuer, Optional.empty(), "resource is not a repository: " + resourceArn.get(), request);
        }
        return new CloudTrailEvent(source, detailType, eventSource, eventName, errorCode, eventId, eventTime, region, account,
                actor, issuer, Optional.of(new RepositoryRef(parts[4], parts[3], parts[5].substring("repository/".length()))),
                null, request);
    }

    /** The policy text a SetRepositoryPolicy call asked for (requestParameters.policyText), when present. */
    public Optional<String> requestedPolicyText() {
        return requestParameters == null ? Optional.empty() : text(requestParameters, "policyText");
    }

    private static String requiredText(JsonNode node, String field, String path) {
        return text(node, field).orElseThrow(() -> new MalformedEventException("event has no '" + path + "' field"));
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
    }
}
