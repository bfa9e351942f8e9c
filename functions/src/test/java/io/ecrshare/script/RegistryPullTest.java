package io.ecrshare.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer's whole path with real clients (see {@link RegistryPull}): skopeo pulls an image from
 * the CNCF distribution registry through docker-credential-ecr-share, with the password the real
 * token handler handed out. .ci/run installs docker-registry, skopeo and apache2-utils; a machine
 * without them fails here, by design, rather than skipping the one end-to-end proof.
 */
class RegistryPullTest {

    @TempDir
    Path work;

    @Test
    void skopeoPullsThroughTheCredentialHelperWithThePasswordTheEndpointHandedOut() throws Exception {
        assertEquals(java.util.List.of(), RegistryPull.missingTools(),
                "install them: apt-get install docker-registry skopeo apache2-utils (.ci/run does)");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        RegistryPull.Result result = new RegistryPull(work, new PrintStream(log, true, StandardCharsets.UTF_8)).run();

        assertNotNull(result.unauthenticatedPullError(), "the registry must refuse a pull without credentials");
        assertTrue(result.unauthenticatedPullError().contains("unauthorized")
                || result.unauthenticatedPullError().contains("authentication required"), result.unauthenticatedPullError());
        assertEquals(result.pushedLayerDigest(), result.pulledLayerDigest(), log.toString(StandardCharsets.UTF_8));
        assertEquals(1, result.endpointRequests(), "one token request: skopeo's later lookups hit the helper's cache");
        assertTrue(result.signaturesValid());
        Path cache = Path.of(result.helperCacheFile());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
        assertTrue(Files.readString(cache).contains("password=" + result.password()));
    }
}
