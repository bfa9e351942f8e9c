package io.ecrshare.token;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionNamesTest {

    private static final Pattern STS_SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");

    @Test
    void namesAccountRoleAndTheCallersOwnSession() {
        Caller caller = new Caller("333333333333", "arn:aws:sts::333333333333:assumed-role/puller/i-0abc123def4567890", null);
        assertEquals("333333333333.puller.i-0abc123def4567890", SessionNames.forCaller(caller));
    }

    @Test
    void namesUsersAndRoot() {
        assertEquals("555555555555.deployer",
                SessionNames.forCaller(new Caller("555555555555", "arn:aws:iam::555555555555:user/ops/deployer", null)));
        assertEquals("111111111111.root", SessionNames.forCaller(new Caller("111111111111", "arn:aws:iam::111111111111:root", null)));
        assertEquals("111111111111.unknown", SessionNames.forCaller(new Caller("111111111111", null, null)));
    }

    @Test
    void longNamesAreTruncatedDeterministicallyWithAHashThatKeepsThemApart() {
        String role = "a-very-long-role-name-used-by-a-consumer-for-its-build-fleet";
        Caller one = new Caller("333333333333", "arn:aws:sts::333333333333:assumed-role/" + role + "/session-one", null);
        Caller two = new Caller("333333333333", "arn:aws:sts::333333333333:assumed-role/" + role + "/session-two", null);

        String a = SessionNames.forCaller(one);
        String b = SessionNames.forCaller(two);
        assertEquals(64, a.length());
        assertTrue(STS_SESSION_NAME.matcher(a).matches(), a);
        assertTrue(a.startsWith("333333333333.a-very-long-role"), a);
        assertNotEquals(a, b);
        assertEquals(a, SessionNames.forCaller(one));
    }

    @Test
    void charactersStsRejectsAreReplaced() {
        String name = SessionNames.fit("111111111111.role.name with spaces/and:colons");
        assertEquals("111111111111.role.name-with-spaces-and-colons", name);
        assertTrue(STS_SESSION_NAME.matcher(name).matches());
    }
}
