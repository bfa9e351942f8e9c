package io.ecrshare.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.config.ShareConfig;
import io.ecrshare.policy.ManagedStatements;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A registry of generated repositories in every state a reconcile meets, and the state each must end in.
 * Used by the reconcile tests (moto and the loopback ECR) and by the benchmarks.
 */
public final class GeneratedRegistry {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String FOREIGN = "{\"Sid\":\"TeamCI\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
            + "\"arn:aws:iam::123456789012:role/team-ci\"},\"Action\":[\"ecr:PutImage\",\"ecr:BatchGetImage\"]}";

    public enum Kind {
        /** tagged, no policy: granted */
        NEW_SHARED,
        /** tagged, foreign + standard statements: unchanged */
        COMPLIANT,
        /** tagged, a managed statement widened to ecr:PutImage, plus a foreign one: restored */
        DRIFTED,
        /** untagged, no policy: unchanged */
        UNSHARED,
        /** untagged, only managed statements left from before: revoked, policy deleted */
        FORMERLY_SHARED,
        /** untagged, foreign + managed statements: revoked, foreign kept */
        FORMERLY_SHARED_WITH_FOREIGN
    }

    public record Repository(String name, Kind kind) {
        public boolean tagged() {
            return kind == Kind.NEW_SHARED || kind == Kind.COMPLIANT || kind == Kind.DRIFTED;
        }
    }

    private GeneratedRegistry() {
    }

    public static List<Repository> repositories(int count) {
        List<Repository> repositories = new ArrayList<>();
        Kind[] kinds = Kind.values();
        for (int i = 0; i < count; i++) {
            repositories.add(new Repository(String.format("team-%02d/service-%05d", i % 37, i), kinds[i % kinds.length]));
        }
        return repositories;
    }

    /** The policy text a repository of this kind starts with, or null. */
    public static String initialPolicy(Kind kind, ManagedStatements managed) {
        List<String> standard = managed.standard().stream().map(JsonNode::toString).toList();
        String widened = standard.get(0).replace("\"ecr:BatchGetImage\"", "\"ecr:BatchGetImage\",\"ecr:PutImage\"");
        return switch (kind) {
            case NEW_SHARED, UNSHARED -> null;
            case COMPLIANT -> policy(FOREIGN, String.join(",", standard));
            case DRIFTED -> policy(widened, FOREIGN);
            case FORMERLY_SHARED -> policy(String.join(",", standard));
            case FORMERLY_SHARED_WITH_FOREIGN -> policy(String.join(",", standard), FOREIGN);
        };
    }

    @FunctionalInterface
    public interface Creator {
        /** @param policy the initial policy text, or null for none */
        void create(String name, Map<String, String> tags, String policy);
    }

    /** Creates every repository, in its initial state, through the given creator. */
    public static void create(List<Repository> repositories, ShareConfig config, Creator creator) {
        ManagedStatements managed = new ManagedStatements(config.consumers());
        for (Repository repository : repositories) {
            Map<String, String> tags = repository.tagged() ? Map.of(config.tag().key(), config.tag().value())
                    : Map.of("team", "x");
            creator.create(repository.name(), tags, initialPolicy(repository.kind(), managed));
        }
    }

    /** The Sids a repository of this kind must end with (empty list: no policy at all). */
    public static List<String> expectedSids(Kind kind, ManagedStatements managed) {
        List<String> standard = managed.standard().stream().map(s -> s.get("Sid").asText()).toList();
        List<String> sids = new ArrayList<>();
        switch (kind) {
            case NEW_SHARED -> sids.addAll(standard);
            case COMPLIANT, DRIFTED -> {
                sids.add("TeamCI");
                sids.addAll(standard);
            }
            case FORMERLY_SHARED_WITH_FOREIGN -> sids.add("TeamCI");
            case UNSHARED, FORMERLY_SHARED -> { }
        }
        return sids;
    }

    public static List<String> sids(String policyText) {
        List<String> sids = new ArrayList<>();
        if (policyText == null) {
            return sids;
        }
        try {
            JSON.readTree(policyText).get("Statement").forEach(s -> sids.add(s.path("Sid").asText()));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
        return sids;
    }

    private static String policy(String... statements) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
    }
}
