package io.ecrshare.config;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** REPLICATION_SOURCE_REGIONS and REVOKE_ON_DELETE: typed, validated once, the bad value named. */
class OrganizationSettingsTest {

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("CONSUMER_ACCOUNT_IDS", "111111111111", "AWS_REGION", "eu-west-1"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void sourceRegionsAreSortedDeduplicatedAndNeverThisRegion() {
        assertEquals(List.of("ap-southeast-2", "us-east-1"), ShareConfig.fromEnvironment(
                env("REPLICATION_SOURCE_REGIONS", " us-east-1,eu-west-1,ap-southeast-2,us-east-1, ")).replicationSourceRegions());
        assertEquals(List.of(), ShareConfig.fromEnvironment(env()).replicationSourceRegions());
        assertEquals(List.of(), ShareConfig.fromEnvironment(env("REPLICATION_SOURCE_REGIONS", "eu-west-1")).replicationSourceRegions());
    }

    @Test
    void anInvalidRegionIsRefusedByName() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ShareConfig.fromEnvironment(env("REPLICATION_SOURCE_REGIONS", "us-east-1,Frankfurt")));
        assertEquals("REPLICATION_SOURCE_REGIONS contains an invalid value 'Frankfurt': expected a Region name such as eu-west-1",
                e.getMessage());
    }

    @Test
    void revokeOnDeleteIsStrictlyTrueOrFalseAndOffByDefault() {
        assertFalse(FunctionConfig.fromEnvironment(env()).revokeOnDelete());
        assertTrue(FunctionConfig.fromEnvironment(env("REVOKE_ON_DELETE", "true")).revokeOnDelete());
        assertFalse(FunctionConfig.fromEnvironment(env("REVOKE_ON_DELETE", "false")).revokeOnDelete());
        ConfigException e = assertThrows(ConfigException.class, () -> FunctionConfig.fromEnvironment(env("REVOKE_ON_DELETE", "yes")));
        assertEquals("REVOKE_ON_DELETE must be true or false, got: yes", e.getMessage());
    }

    @Test
    void aReplicaCarryingTheSharingKeyInAnyCaseOrAsALookalikeIsDecidedByItsOwnTag() {
        ShareTag tag = new ShareTag("ecr-share", "true");
        assertTrue(tag.isKeyIn(Map.of("ECR-Share", "false")));
        assertTrue(tag.isKeyIn(Map.of("ecr-\u017Fhare", "true")), "long s folds to S: ambiguous, so local (unshared)");
        assertFalse(tag.isKeyIn(Map.of("team", "platform", ShareTag.WRITE_MARKER_KEY, "x")));
    }
}
