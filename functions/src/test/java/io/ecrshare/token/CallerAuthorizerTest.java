package io.ecrshare.token;

import io.ecrshare.config.Consumers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallerAuthorizerTest {

    private final CallerAuthorizer authorizer = new CallerAuthorizer(Consumers.parse(
            "111111111111",
            "arn:aws:iam::333333333333:role/puller,arn:aws:iam::444444444444:role/ci/builder-*,arn:aws:iam::555555555555:user/ops/deployer",
            "o-a1b2c3d4e5",
            "o-f6g7h8i9j0/r-ab12/ou-ab12-11111111/"));

    private static Caller role(String account, String role, String session, String org) {
        return new Caller(account, "arn:aws:sts::" + account + ":assumed-role/" + role + "/" + session, org);
    }

    @Test
    void aConsumerAccountIsAllowedWhateverThePrincipal() {
        assertTrue(authorizer.isConsumer(role("111111111111", "anything", "s", null)));
        assertTrue(authorizer.isConsumer(new Caller("111111111111", "arn:aws:iam::111111111111:user/alice", null)));
        assertTrue(authorizer.isConsumer(new Caller("111111111111", "arn:aws:iam::111111111111:root", null)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // assumed-role ARNs have no path: the configured role's last segment is matched, with the account
            "arn:aws:sts::333333333333:assumed-role/puller/i-0abc, true",
            "arn:aws:sts::333333333333:assumed-role/puller2/i-0abc, false",
            "arn:aws:sts::999999999999:assumed-role/puller/i-0abc, false",
            "arn:aws:sts::444444444444:assumed-role/builder-linux/job-17, true",
            "arn:aws:sts::444444444444:assumed-role/deployer/job-17, false",
            "arn:aws:iam::555555555555:user/ops/deployer, true",
            "arn:aws:iam::555555555555:user/deployer, false",
            "arn:aws:iam::333333333333:user/puller, false",
    })
    void principalArnsMatchSensibly(String arn, boolean allowed) {
        String account = arn.split(":")[4];
        assertEquals(allowed, authorizer.isConsumer(new Caller(account, arn, null)));
    }

    @Test
    void organizationsByIdOrByTheOrganizationOfAPath() {
        assertTrue(authorizer.isConsumer(role("777777777777", "r", "s", "o-a1b2c3d4e5")));
        assertTrue(authorizer.isConsumer(role("777777777777", "r", "s", "o-f6g7h8i9j0")));
        assertFalse(authorizer.isConsumer(role("777777777777", "r", "s", "o-zzzzzzzzzz")));
        assertFalse(authorizer.isConsumer(role("777777777777", "r", "s", null)));
    }

    @Test
    void unknownOrAnonymousCallersAre403() {
        TokenRefusedException unknown = assertThrows(TokenRefusedException.class, () -> authorizer.authorize(role("999999999999", "admin", "x", null)));
        assertEquals(403, unknown.status());
        assertEquals("AccessDenied", unknown.code());
        assertTrue(unknown.getMessage().contains("arn:aws:sts::999999999999:assumed-role/admin/x"));

        assertEquals(403, assertThrows(TokenRefusedException.class, () -> authorizer.authorize(new Caller(null, null, null))).status());
        assertEquals(403, assertThrows(TokenRefusedException.class, () -> authorizer.authorize(new Caller(" ", "", null))).status());
        assertEquals(403, assertThrows(TokenRefusedException.class, () -> authorizer.authorize(null)).status());
        assertDoesNotThrow(() -> authorizer.authorize(role("111111111111", "r", "s", null)));
    }

    @Test
    void wildcardsFollowIamArnRules() {
        assertTrue(CallerAuthorizer.glob("builder-*").matcher("builder-").matches());
        assertTrue(CallerAuthorizer.glob("b?ilder").matcher("builder").matches());
        assertFalse(CallerAuthorizer.glob("b.ilder").matcher("builder").matches(), "regex characters are literal");
    }
}
