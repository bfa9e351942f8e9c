package io.ecrshare.minting;

import java.time.Instant;

/** Gets a docker-login token for this deployment's registry from a session named after the caller. */
public interface TokenMinter {

    /**
     * @param sessionName the RoleSessionName identifying the caller in CloudTrail
     * @throws UpstreamFailure when STS or ECR refuse or cannot be reached
     */
    MintedToken mint(String sessionName);

    /**
     * What ECR returned, decoded. {@code credentialsExpireAt} is when the session that minted the token
     * ends; the token is reported as valid only until the earlier of the two.
     */
    record MintedToken(String proxyEndpoint, String password, Instant tokenExpiresAt, Instant credentialsExpireAt) {

        public Instant effectiveExpiry() {
            return credentialsExpireAt != null && credentialsExpireAt.isBefore(tokenExpiresAt)
                    ? credentialsExpireAt : tokenExpiresAt;
        }

        @Override
        public String toString() {
            return "MintedToken[" + proxyEndpoint + ", password=<redacted>, expires " + effectiveExpiry() + "]";
        }
    }

    /** STS or ECR failed. {@code throttled} means the caller may retry later (429), otherwise 502. */
    final class UpstreamFailure extends RuntimeException {
        private final boolean throttled;
        private final String service;
        private final String errorCode;

        public UpstreamFailure(String service, String errorCode, boolean throttled, String message) {
            super(message, null, false, false);
            this.service = service;
            this.errorCode = errorCode;
            this.throttled = throttled;
        }

        public boolean throttled() {
            return throttled;
        }

        public String service() {
            return service;
        }

        public String errorCode() {
            return errorCode;
        }
    }
}
