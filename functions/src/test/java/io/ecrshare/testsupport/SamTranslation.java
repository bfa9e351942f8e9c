package io.ecrshare.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** template.yaml as CloudFormation receives it: translated by aws-sam-translator with the given parameters. */
public final class SamTranslation {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SamTranslation() {
    }

    /** Runs aws-sam-translator (installed with moto and cfn-lint; missing it fails, never skips). */
    public static JsonNode translate(Map<String, String> parameters) throws Exception {
        String script = String.join("\n",
                "import json, sys",
                "from samtranslator.translator.transform import transform",
                "from samtranslator.yaml_helper import yaml_parse",
                "class Policies:",
                "    def load(self): return {}",
                "t = yaml_parse(open(sys.argv[1]).read())",
                "t['Globals']['Function']['CodeUri'] = 's3://bucket/functions.zip'",
                "print(json.dumps(transform(t, json.loads(sys.argv[2]), Policies())))");
        ProcessBuilder builder = new ProcessBuilder(List.of("python3", "-c", script,
                ProjectFiles.root().resolve("template.yaml").toString(), JSON.writeValueAsString(parameters)));
        builder.environment().put("AWS_DEFAULT_REGION", "us-east-1");
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("samtranslator failed (is aws-sam-translator installed?): " + err);
        }
        return JSON.readTree(out);
    }
}
