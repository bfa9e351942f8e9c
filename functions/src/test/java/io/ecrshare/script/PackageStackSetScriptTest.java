package io.ecrshare.script;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.testsupport.MotoServer;
import io.ecrshare.testsupport.ProjectFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/package-stackset.sh under dash, uploading with the real AWS CLI to moto's S3 in two Regions: the code
 * lands in each Region's bucket, and the template is plain CloudFormation (no Transform, cfn-lint clean) whose
 * functions read their code from the stack's own Region.
 */
class PackageStackSetScriptTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "acme-ecr-share";
    private static final List<String> REGIONS = List.of("us-east-1", "eu-west-1");

    private final MotoServer moto = MotoServer.shared();

    private record Run(int exit, String out) {
    }

    private Run run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(ProjectFiles.root().toFile());
        Map<String, String> env = builder.environment();
        env.put("AWS_ENDPOINT_URL", moto.endpoint());
        env.put("AWS_ACCESS_KEY_ID", "testing");
        env.put("AWS_SECRET_ACCESS_KEY", "testing");
        env.remove("AWS_PROFILE");
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private Run aws(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("aws"));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint-url", moto.endpoint()));
        Run result = run(command);
        assertEquals(0, result.exit(), result.out());
        return result;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    @Test
    void uploadsTheCodeToEveryRegionsBucketAndEmitsPlainCloudFormationReadingItFromTheStacksRegion(@TempDir Path tmp)
            throws Exception {
        moto.reset();
        aws("s3api", "create-bucket", "--bucket", PREFIX + "-us-east-1", "--region", "us-east-1");
        aws("s3api", "create-bucket", "--bucket", PREFIX + "-eu-west-1", "--region", "eu-west-1",
                "--create-bucket-configuration", "LocationConstraint=eu-west-1");
        // The compiled classes stand in for the artifact: scripts/check-sam-artifact.sh tests the real build.
        Path artifact = tmp.resolve("artifact");
        copy(ProjectFiles.root().resolve("functions/target/classes"), artifact);
        Path out = tmp.resolve("out");

        Run result = run(List.of("dash", "scripts/package-stackset.sh", "--regions", String.join(",", REGIONS),
                "--bucket-prefix", PREFIX, "--output-dir", out.toString(), "--artifact", artifact.toString()));

        assertEquals(0, result.exit(), result.out());
        Matcher key = Pattern.compile("s3://" + PREFIX + "-us-east-1/(ecr-share/functions-[0-9a-f]{16}\\.zip)").matcher(result.out());
        assertTrue(key.find(), result.out());
        long size = Files.size(out.resolve("functions.zip"));
        for (String region : REGIONS) {
            JsonNode head = JSON.readTree(aws("s3api", "head-object", "--bucket", PREFIX + "-" + region, "--key", key.group(1),
                    "--region", region).out());
            assertEquals(size, head.get("ContentLength").asLong(), region);
        }

        JsonNode template = JSON.readTree(out.resolve("template.json").toFile());
        assertFalse(template.has("Transform"), "StackSets with service-managed permissions accept no macro");
        assertEquals(PREFIX, template.at("/Parameters/CodeBucketPrefix/Default").asText());
        int functions = 0;
        for (JsonNode resource : template.get("Resources")) {
            assertFalse(resource.get("Type").asText().startsWith("AWS::Serverless::"), resource.toString());
            if (resource.get("Type").asText().equals("AWS::Lambda::Function")) {
                functions++;
                assertEquals(JSON.readTree("{\"Fn::Sub\":\"${CodeBucketPrefix}-${AWS::Region}\"}"),
                        resource.at("/Properties/Code/S3Bucket"));
                assertEquals(key.group(1), resource.at("/Properties/Code/S3Key").asText());
            }
        }
        assertEquals(4, functions);
        Run lint = run(List.of("cfn-lint", out.resolve("template.json").toString()));
        assertEquals(0, lint.exit(), lint.out());
        String templateUrl = Files.readString(out.resolve("template-url.txt")).trim();
        Matcher templateKey = Pattern.compile("^https://" + PREFIX + "-us-east-1\\.s3\\.us-east-1\\.amazonaws\\.com/(ecr-share/template-[0-9a-f]{16}\\.json)$")
                .matcher(templateUrl);
        assertTrue(templateKey.matches(), templateUrl);
        JsonNode uploaded = JSON.readTree(aws("s3api", "head-object", "--bucket", PREFIX + "-us-east-1", "--key", templateKey.group(1),
                "--region", "us-east-1").out());
        assertEquals(Files.size(out.resolve("template.json")), uploaded.get("ContentLength").asLong(), "the template StackSets read");

        Run bad = run(List.of("dash", "scripts/package-stackset.sh", "--regions", "us-east-1,Europe", "--bucket-prefix", PREFIX,
                "--dry-run"));
        assertEquals(2, bad.exit());
        assertTrue(bad.out().contains("'Europe' is not a Region name"), bad.out());
    }

    @Test
    void thePackagingScriptsArePosixShAndShellcheckClean() throws Exception {
        Run shellcheck = run(List.of(ScriptSandbox.hostExecutable("shellcheck").toString(), "--shell=sh",
                "scripts/package-stackset.sh", "scripts/build-artifact.sh"));
        assertEquals(0, shellcheck.exit(), shellcheck.out());
    }
}
