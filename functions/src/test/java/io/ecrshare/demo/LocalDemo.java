package io.ecrshare.demo;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.aws.AwsClients;
import io.ecrshare.enforce.EnforceHandler;
import io.ecrshare.grant.GrantHandler;
import io.ecrshare.reconcile.ReconcileHandler;
import io.ecrshare.script.RegistryPull;
import io.ecrshare.tokenapi.TokenHandler;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.RepositoryPolicyNotFoundException;
import software.amazon.awssdk.services.ecr.model.Tag;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole product, end to end, on one machine: the real handlers, built by their production constructors
 * from the environment scripts/demo.sh sets (AWS_ENDPOINT_URL pointing at moto), driven with the events in
 * events/. Prints the story step by step and exits non-zero when any step does not turn out as stated.
 */
public final class LocalDemo {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "123456789012";
    private static final String BASE_IMAGE = "platform/base-image";
    private static final String TOOL = "payments/internal-tool";

    private final PrintStream story;
    private final Path events;
    private final EcrClient ecr;
    private final Path logs;
    private final List<String> failures = new ArrayList<>();
    private int step;

    private LocalDemo(PrintStream story, Path events, EcrClient ecr, Path logs) {
        this.story = story;
        this.events = events;
        this.ecr = ecr;
        this.logs = logs;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        PrintStream story = System.out;
        // The handlers write their JSON logs to standard output; keep them, but out of the story.
        Path logs = root.resolve("functions/target/demo-logs.jsonl");
        Files.createDirectories(logs.getParent());
        System.setOut(new PrintStream(new FileOutputStream(logs.toFile()), true, StandardCharsets.UTF_8));
        int exit;
        try (EcrClient ecr = AwsClients.fromEnvironment().ecr()) {
            LocalDemo demo = new LocalDemo(story, root.resolve("events"), ecr, logs);
            demo.run();
            exit = demo.finish();
        }
        System.exit(exit);
    }

    private void run() throws Exception {
        GrantHandler grant = new GrantHandler();
        EnforceHandler enforce = new EnforceHandler();
        ReconcileHandler reconcile = new ReconcileHandler();

        step("A platform engineer creates " + BASE_IMAGE + " with the tag ecr-share=true");
        createRepository(BASE_IMAGE, true);
        JsonNode result = invoke(grant, "grant-create-repository-tagged.json");
        expect("the grant function granted it", "granted", result);
        expectSids(BASE_IMAGE, List.of("EcrSharePullAccounts", "EcrSharePullPrincipals", "EcrSharePullOrganizations"));

        step("A developer edits the policy: drops consumer 222222222222 and adds a CI push statement");
        setPolicyFrom("enforce-set-repository-policy-by-person.json");
        showPolicy(BASE_IMAGE);
        result = invoke(enforce, "enforce-set-repository-policy-by-person.json");
        expect("the enforcer restored the standard statements", "restored", result);
        expectSids(BASE_IMAGE, List.of("TeamCIPush", "EcrSharePullAccounts", "EcrSharePullPrincipals",
                "EcrSharePullOrganizations"));
        expectText(BASE_IMAGE, "arn:aws:iam::222222222222:root", "consumer 222222222222 is back");

        step("The enforcer's own write comes back as a CloudTrail event");
        result = invoke(enforce, "enforce-set-repository-policy-own-role.json");
        expect("it is recognised as our own and skipped before any API call", "skipped", result);

        step("Someone creates " + TOOL + " without the tag, and tags it an hour later");
        createRepository(TOOL, false);
        result = invoke(grant, "grant-create-repository-untagged.json");
        expect("untagged: left alone", "unchanged", result);
        ecr.tagResource(r -> r.resourceArn(arn(TOOL)).tags(Tag.builder().key("ecr-share").value("true").build()));
        result = invoke(grant, "grant-tag-resource.json");
        expect("tagged later: granted", "granted", result);

        step("The platform engineer removes the tag from " + BASE_IMAGE);
        ecr.untagResource(r -> r.resourceArn(arn(BASE_IMAGE)).tagKeys("ecr-share"));
        result = invoke(grant, "grant-untag-resource.json");
        expect("only the managed statements are revoked", "revoked", result);
        expectSids(BASE_IMAGE, List.of("TeamCIPush"));

        step("Events were missed: a shared repository lost its policy, and a grant was pasted onto an unshared one");
        ecr.deleteRepositoryPolicy(r -> r.repositoryName(TOOL));
        createRepository("data/etl-runner", false);
        String pasted = policyText(BASE_IMAGE).replace("\"TeamCIPush\"", "\"EcrSharePullAccounts\"");
        ecr.setRepositoryPolicy(r -> r.repositoryName("data/etl-runner").policyText(pasted));
        story.println("  A reconcile in plan mode reports what it would do:");
        JsonNode plan = invoke(reconcile, "reconcile-plan.json");
        for (JsonNode entry : plan.get("plan")) {
            story.printf("    %-22s %-9s %s%n", entry.get("repository").asText(), entry.get("action").asText(),
                    entry.get("reason").asText());
        }
        check("the plan would grant " + TOOL + " and revoke data/etl-runner",
                planned(plan, TOOL, "granted") && planned(plan, "data/etl-runner", "revoked"));
        check("the plan changed nothing", policyText(TOOL) == null);
        JsonNode applied = invoke(reconcile, "reconcile-schedule.json");
        story.println("  Then the scheduled reconcile applies it: " + applied.get("totals"));
        expectSids(TOOL, List.of("EcrSharePullAccounts", "EcrSharePullPrincipals", "EcrSharePullOrganizations"));
        expectSids("data/etl-runner", List.of());
        JsonNode again = invoke(reconcile, "reconcile-schedule.json");
        check("a second reconcile finds nothing to change", again.at("/totals/unchanged").asInt() == 3
                && again.get("totals").size() == 1);

        TokenHandler token = new TokenHandler();
        step("A consumer's bootstrap script (role puller in account 333333333333) asks the token endpoint to log in");
        JsonNode response = invoke(token, "token-consumer-role.json");
        JsonNode body = JSON.readTree(response.path("body").asText("{}"));
        JsonNode login = body.path("authorizationData").path(0);
        check("HTTP 200 with a docker login for registry 123456789012 (user " + login.path("username").asText()
                        + ", password of " + login.path("password").asText().length() + " characters, not shown, expires "
                        + login.path("expiresAt").asText() + ", the fixed date moto gives its tokens)",
                response.path("statusCode").asInt() == 200 && "123456789012".equals(login.path("registryId").asText())
                        && "AWS".equals(login.path("username").asText()) && !login.path("password").asText().isEmpty());
        String password = login.path("password").asText();
        check("the password appears nowhere in the function logs",
                !password.isEmpty() && !Files.readString(logs).contains(password));
        check("the response must not be cached (Cache-Control: " + response.at("/headers/Cache-Control").asText() + ")",
                "no-store".equals(response.at("/headers/Cache-Control").asText()));
        response = invoke(token, "token-password.json");
        check("format=password answers the bare password as text/plain, for docker login --password-stdin",
                response.path("statusCode").asInt() == 200
                        && response.at("/headers/Content-Type").asText().startsWith("text/plain")
                        && !response.path("body").asText().contains("{"));

        step("A caller from an account that is not a consumer asks for a token");
        response = invoke(token, "token-unknown-caller.json");
        JsonNode error = JSON.readTree(response.path("body").asText("{}"));
        check("refused with HTTP " + response.path("statusCode").asInt() + " " + error.path("error").asText() + ": "
                + error.path("message").asText(), response.path("statusCode").asInt() == 403);

        step("A consumer host pulls " + RegistryPull.ECR_HOST + "/" + RegistryPull.IMAGE
                + " with skopeo through docker-credential-ecr-share (real registry, real clients)");
        List<String> missing = RegistryPull.missingTools();
        if (!missing.isEmpty()) {
            check("needs " + missing + " (apt-get install docker-registry skopeo apache2-utils)", false);
            return;
        }
        Path work = Files.createTempDirectory("ecr-share-pull");
        try {
            RegistryPull.Result pull = new RegistryPull(work, story).run();
            check("without credentials the registry refuses the pull", pull.unauthenticatedPullError() != null);
            check("with the helper, skopeo pulled layer " + pull.pulledLayerDigest() + ", the one pushed",
                    pull.pulledLayerDigest().equals(pull.pushedLayerDigest()));
            check(pull.endpointRequests() + " signed token request for the whole pull (the helper caches the password)",
                    pull.endpointRequests() == 1 && pull.signaturesValid());
        } finally {
            RegistryPull.deleteTree(work);
        }
    }

    // ---- steps and checks ----------------------------------------------------------------------------

    private void step(String title) {
        story.printf("%nStep %d. %s%n", ++step, title);
    }

    private void check(String claim, boolean held) {
        story.printf("  %s %s%n", held ? "[ok]  " : "[FAIL]", claim);
        if (!held) {
            failures.add("step " + step + ": " + claim);
        }
    }

    private void expect(String claim, String action, JsonNode result) {
        check(claim + " (action: " + result.path("action").asText() + ", " + result.path("reason").asText() + ")",
                action.equals(result.path("action").asText()));
    }

    private void expectSids(String repository, List<String> sids) {
        List<String> actual = sids(repository);
        check(repository + " has " + (sids.isEmpty() ? "no policy" : "statements " + sids),
                actual.equals(sids));
        showPolicy(repository);
    }

    private void expectText(String repository, String text, String claim) {
        String policy = policyText(repository);
        check(claim, policy != null && policy.contains(text));
    }

    private int finish() {
        story.println();
        story.println("Function logs (one JSON line per decision): " + logs);
        if (failures.isEmpty()) {
            story.println("All " + step + " steps turned out as stated.");
            return 0;
        }
        story.println("FAILED: " + failures.size() + " check(s) did not hold:");
        failures.forEach(f -> story.println("  - " + f));
        return 1;
    }

    // ---- the account -------------------------------------------------------------------------------

    private JsonNode invoke(RequestStreamHandler handler, String eventFile) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(events.resolve(eventFile))) {
            handler.handleRequest(in, out, null);
        }
        story.println("  -> " + handler.getClass().getSimpleName().replace("Handler", "Function") + " with events/" + eventFile);
        return JSON.readTree(out.toByteArray());
    }

    private void createRepository(String name, boolean shared) {
        ecr.createRepository(r -> r.repositoryName(name).tags(shared
                ? List.of(Tag.builder().key("ecr-share").value("true").build())
                : List.of(Tag.builder().key("team").value("payments").build())));
    }

    private void setPolicyFrom(String eventFile) throws IOException {
        String policy = JSON.readTree(events.resolve(eventFile).toFile()).at("/detail/requestParameters/policyText").asText();
        ecr.setRepositoryPolicy(r -> r.repositoryName(BASE_IMAGE).policyText(policy));
    }

    private String policyText(String repository) {
        try {
            return ecr.getRepositoryPolicy(r -> r.repositoryName(repository)).policyText();
        } catch (RepositoryPolicyNotFoundException e) {
            return null;
        }
    }

    private List<String> sids(String repository) {
        List<String> sids = new ArrayList<>();
        String policy = policyText(repository);
        if (policy != null) {
            try {
                JSON.readTree(policy).get("Statement").forEach(s -> sids.add(s.path("Sid").asText()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return sids;
    }

    /** The policy as a person reads it: one line per statement. */
    private void showPolicy(String repository) {
        String policy = policyText(repository);
        if (policy == null) {
            story.println("      (" + repository + " has no policy)");
            return;
        }
        try {
            story.println("      policy of " + repository + ":");
            for (JsonNode s : JSON.readTree(policy).get("Statement")) {
                story.printf("        %-28s %s %s -> %s%s%n", s.path("Sid").asText("(no Sid)"), s.path("Effect").asText(),
                        s.get("Principal"), s.get("Action"), s.has("Condition") ? " if " + s.get("Condition") : "");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean planned(JsonNode plan, String repository, String action) {
        for (JsonNode entry : plan.get("plan")) {
            if (entry.get("repository").asText().equals(repository)) {
                return entry.get("action").asText().equals(action);
            }
        }
        return false;
    }

    private static String arn(String repository) {
        return "arn:aws:ecr:us-east-1:" + ACCOUNT + ":repository/" + repository;
    }
}
