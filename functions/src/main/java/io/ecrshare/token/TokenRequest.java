package io.ecrshare.token;

import io.ecrshare.config.AwsIds;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A validated {@code GET /token} query: the registries asked for (deduplicated, in order) and the format. */
public record TokenRequest(List<String> registryIds, Format format) {

    /** ECR's GetAuthorizationToken takes at most 10 registry IDs; so do we. */
    static final int MAX_REGISTRY_IDS = 10;
    private static final Set<String> PARAMETERS = Set.of("registryIds", "format");

    public enum Format {
        JSON, PASSWORD
    }

    public TokenRequest {
        registryIds = List.copyOf(registryIds);
    }

    /**
     * Validates the query string (every value of every parameter, as API Gateway's multi-value map gives
     * them). Without registryIds the request is for {@code defaultRegistry}, this deployment's own.
     *
     * @throws TokenRefusedException 400 naming the first problem
     */
    public static TokenRequest parse(Map<String, List<String>> query, String defaultRegistry) {
        for (String name : query.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw TokenRefusedException.badRequest("UnknownParameter",
                        "unknown query parameter '" + printable(name) + "'; allowed: registryIds, format");
            }
        }
        Format format = parseFormat(single(query, "format"));
        String rawIds = single(query, "registryIds");
        List<String> ids = rawIds == null ? List.of(defaultRegistry) : parseIds(rawIds);
        if (format == Format.PASSWORD && ids.size() > 1) {
            throw TokenRefusedException.badRequest("InvalidFormat",
                    "format=password returns one password, so it needs exactly one registry ID; got " + ids.size());
        }
        return new TokenRequest(ids, format);
    }

    private static Format parseFormat(String raw) {
        if (raw == null || raw.equals("json")) {
            return Format.JSON;
        }
        if (raw.equals("password")) {
            return Format.PASSWORD;
        }
        throw TokenRefusedException.badRequest("InvalidFormat", "format must be json or password, got '" + printable(raw) + "'");
    }

    private static List<String> parseIds(String raw) {
        if (raw.isEmpty()) {
            throw TokenRefusedException.badRequest("InvalidRegistryId", "registryIds is empty; give 1 to 10 comma-separated 12-digit IDs");
        }
        String[] parts = raw.split(",", -1);
        if (parts.length > MAX_REGISTRY_IDS) {
            throw TokenRefusedException.badRequest("TooManyRegistryIds",
                    "at most " + MAX_REGISTRY_IDS + " registry IDs per request, got " + parts.length);
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String part : parts) {
            if (!AwsIds.isAccountId(part)) {
                throw TokenRefusedException.badRequest("InvalidRegistryId",
                        "registry ID '" + printable(part) + "' is not a 12-digit AWS account ID");
            }
            ids.add(part);
        }
        return new ArrayList<>(ids);
    }

    /** The one value of a parameter; null when absent. A repeated parameter is ambiguous, so it is refused. */
    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw TokenRefusedException.badRequest("UnknownParameter",
                    "query parameter '" + name + "' is given " + values.size() + " times; give it once (registryIds comma-separated)");
        }
        return values.get(0) == null ? "" : values.get(0);
    }

    /** Echoes caller input into messages only shortened and without control characters. */
    static String printable(String value) {
        String cleaned = value.replaceAll("[\\p{Cntrl}\"\\\\]", "?");
        return cleaned.length() > 40 ? cleaned.substring(0, 40) + "..." : cleaned;
    }
}
