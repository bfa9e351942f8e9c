package io.ecrshare.config;

/** Invalid deployment configuration. Thrown at cold start so nothing is ever written from a half-right config. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
