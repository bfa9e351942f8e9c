package io.ecrshare.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShareConfigTest {

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void defaultsAndSortedDeduplicatedConsumers() {
        ShareConfig config = ShareConfig.fromEnvironment(env(
                "CONSUMER_ACCOUNT_IDS", " 222222222222, 111111111111,222222222222 ",
                "CONSUMER_PRINCIPAL_ARNS", "arn:aws:iam::333333333333:role/ci/puller-*",
                "CONSUMER_ORG_IDS", "o-a1b2c3d4e5",
                "CONSUMER_ORG_PATHS", "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"));
        assertEquals(new ShareTag("ecr-share", "true"), config.tag());
        assertEquals(List.of("111111111111", "222222222222"), config.consumers().accountIds());
        assertEquals(List.of("333333333333"), config.consumers().principalAccountIds());
        assertEquals(EnforcementMode.MERGE, config.mode());
        assertEquals(Set.of(), config.ownRoleArns());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "CONSUMER_ACCOUNT_IDS|11111111111|'11111111111'",
            "CONSUMER_ACCOUNT_IDS|111111111111,abc|'abc'",
            "CONSUMER_PRINCIPAL_ARNS|arn:aws:iam::123:role/x|'arn:aws:iam::123:role/x'",
            "CONSUMER_PRINCIPAL_ARNS|arn:aws:iam::*:role/x|'arn:aws:iam::*:role/x'",
            "CONSUMER_PRINCIPAL_ARNS|arn:aws:sts::111111111111:assumed-role/r/s|assumed-role",
            "CONSUMER_ORG_IDS|org-123|'org-123'",
            "CONSUMER_ORG_PATHS|o-a1b2c3d4e5/ou-x|'o-a1b2c3d4e5/ou-x'",
            "ENFORCEMENT_MODE|strict|strict",
            "OWNER_ACCOUNT_ID|12345|12345",
            "OWN_ROLE_ARNS|not-an-arn|'not-an-arn'",
    })
    void invalidValueStopsStartupNamingIt(String setting, String value, String expectedInMessage) {
        Map<String, String> env = env("CONSUMER_ACCOUNT_IDS", "111111111111");
        env.put(setting, value);
        ConfigException e = assertThrows(ConfigException.class, () -> ShareConfig.fromEnvironment(env));
        assertTrue(e.getMessage().contains(setting), e.getMessage());
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void nothingConfiguredIsRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> ShareConfig.fromEnvironment(env()));
        assertTrue(e.getMessage().contains("no consumers configured"), e.getMessage());
    }

    @Test
    void shareTagKeyAndValueAreCaseInsensitiveAsInIamAndNeverTrimmed() {
        ShareTag tag = new ShareTag("ecr-share", "true");
        assertTrue(tag.isCarriedBy(Map.of("ecr-share", "TRUE")));
        assertTrue(tag.isCarriedBy(Map.of("ECR-SHARE", "true")), "IAM matches tag keys case-insensitively");
        assertFalse(tag.isCarriedBy(Map.of("ecr-share", " True ")), "StringEqualsIgnoreCase does not trim");
        assertFalse(tag.isCarriedBy(Map.of("ecr-share", "false")));
        assertFalse(tag.isCarriedBy(Map.of()));
        assertFalse(tag.isCarriedBy(Map.of("ecr-share:last-write", "true")));
        assertTrue(tag.isCarriedBy(Map.of("ecr-share", "true", "ECR-Share", "TRUE")), "every matching key agrees");
        assertEquals(ShareTag.Verdict.AMBIGUOUS, tag.read(Map.of("ecr-share", "true", "ECR-SHARE", "false")).verdict());
        assertEquals(ShareTag.Verdict.AMBIGUOUS, tag.read(Map.of("ecr-\u017fhare", "true")).verdict(), "long s");
        assertEquals(ShareTag.Verdict.AMBIGUOUS, new ShareTag("k", "kind").read(Map.of("k", "\u212aind")).verdict(), "Kelvin");
        assertFalse(new ShareTag("k", "kind").isCarriedBy(Map.of("k", "\u212aind")));
    }

    @Test
    void shareTagSettingsMustBeUnambiguousAscii() {
        for (String bad : new String[]{" true", "true ", "tr\u00fce", "", "a\tb"}) {
            assertThrows(ConfigException.class, () -> new ShareTag("ecr-share", bad), bad);
            assertThrows(ConfigException.class, () -> new ShareTag(bad, "true"), bad);
        }
        assertThrows(ConfigException.class, () -> new ShareTag("aws:share", "true"));
        new ShareTag("team share", "yes please");
    }

    @Test
    void ownRolesAreRecognised() {
        ShareConfig config = ShareConfig.fromEnvironment(env("CONSUMER_ACCOUNT_IDS", "111111111111",
                "OWN_ROLE_ARNS", "arn:aws:iam::123456789012:role/ecr-share-GrantFunctionRole-AB12,"
                        + "arn:aws:iam::123456789012:role/ecr-share-EnforceFunctionRole-CD34"));
        assertTrue(config.isOwnRole("arn:aws:iam::123456789012:role/ecr-share-EnforceFunctionRole-CD34"));
        assertFalse(config.isOwnRole("arn:aws:iam::123456789012:role/ecr-share-EnforceFunctionRole-CD34-other"));
        assertFalse(config.isOwnRole(null));
    }
}
