package io.ecrshare.wiring;

import io.ecrshare.aws.AwsClients;
import io.ecrshare.aws.PrimingHttpClient;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What every function's priming shares: clients in the function's Region that answer from memory with fake
 * credentials, and a log stream that goes nowhere, so a primed copy touches nothing of the real components.
 */
final class PrimingClients {

    private PrimingClients() {
    }

    static AwsClients answeringFrom(PrimingHttpClient http, Map<String, String> env) {
        return new AwsClients(Map.of("AWS_REGION", region(env)),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("PRIMING", "priming")), http, 1);
    }

    /** The function's own Region, so the primed request path is the one the first event takes. */
    static String region(Map<String, String> env) {
        return env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
    }

    static PrintStream nowhere() {
        return new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    }
}
