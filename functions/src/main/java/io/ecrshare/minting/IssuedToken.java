package io.ecrshare.minting;

import java.time.Instant;

/** One {@code authorizationData} entry as the endpoint returns it. */
public record IssuedToken(String registryId, String proxyEndpoint, String username, String password, Instant expiresAt) {

    @Override
    public String toString() {
        return "IssuedToken[" + registryId + ", " + proxyEndpoint + ", password=<redacted>, expires " + expiresAt + "]";
    }
}
