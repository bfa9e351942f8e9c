package io.ecrshare.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.config.Consumers;
import io.ecrshare.policy.ManagedStatements;
import io.ecrshare.policy.PolicyDocument;
import io.ecrshare.testsupport.SamTranslator;
import io.ecrshare.token.Caller;
import io.ecrshare.token.CallerAuthorizer;
import io.ecrshare.token.TokenRefusedException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Organization paths mean the subtree (issue 9 item 2), in all three places that decide who may pull or call:
 * the repository policy's managed statement, the token API's resource policy as aws-sam-translator produces it
 * from template.yaml, and the token function's own caller check. Principals in the configured OU and in any
 * child OU are allowed; a sibling OU and another organization are not. Every Principal "*" statement is pinned
 * with StringEquals aws:PrincipalOrgID, so scanners do not report it as public.
 */
class OrgPathSemanticsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORG_A = "o-aaaaaaaaaa";
    private static final String ORG_B = "o-bbbbbbbbbb";
    private static final String ORG_C = "o-cccccccccc";
    /** The documented form (trailing slash) and one given with its own wildcard, kept as given. */
    private static final String PATHS = ORG_A + "/r-ab12/ou-ab12-11111111/," + ORG_B + "/r-cd34/ou-cd34-22222222/*";
    private static final String REPOSITORY = "arn:aws:ecr:us-east-1:123456789012:repository/app";

    private record Principal(String label, String orgId, String path, boolean allowed, boolean sameOrg) {
        String arn() {
            return "arn:aws:sts::444444444444:assumed-role/ci/i-0abc";
        }
    }

    private static final List<Principal> PRINCIPALS = List.of(
            new Principal("in the OU", ORG_A, ORG_A + "/r-ab12/ou-ab12-11111111/", true, true),
            new Principal("in a child OU", ORG_A, ORG_A + "/r-ab12/ou-ab12-11111111/ou-ab12-44444444/", true, true),
            new Principal("in a grandchild OU", ORG_A, ORG_A + "/r-ab12/ou-ab12-11111111/ou-ab12-44444444/ou-ab12-66666666/", true, true),
            new Principal("in a sibling OU", ORG_A, ORG_A + "/r-ab12/ou-ab12-55555555/", false, true),
            new Principal("at the root", ORG_A, ORG_A + "/r-ab12/", false, true),
            new Principal("in an OU whose ID starts like the configured one", ORG_A, ORG_A + "/r-ab12/ou-ab12-111111112/", false, true),
            new Principal("in the wildcard path's OU", ORG_B, ORG_B + "/r-cd34/ou-cd34-22222222/", true, true),
            new Principal("below the wildcard path", ORG_B, ORG_B + "/r-cd34/ou-cd34-22222222/ou-cd34-77777777/", true, true),
            new Principal("in another organization", ORG_C, ORG_C + "/r-ef56/ou-ef56-11111111/", false, false),
            new Principal("in no organization", null, null, false, false));

    private static SamTranslator translated;

    @BeforeAll
    static void translate() throws Exception {
        translated = SamTranslator.translate(Map.of("ConsumerOrgPaths", PATHS));
    }

    private static Map<String, List<String>> context(Principal p) {
        return p.orgId() == null ? Map.of()
                : Map.of("aws:PrincipalOrgID", List.of(p.orgId()), "aws:PrincipalOrgPaths", List.of(p.path()));
    }

    @Test
    void theRepositoryPolicyCoversTheOuAndEverythingBelowIt() {
        Consumers consumers = Consumers.parse(null, null, null, PATHS);
        assertEquals(List.of(ORG_A + "/r-ab12/ou-ab12-11111111/*", ORG_B + "/r-cd34/ou-cd34-22222222/*"), consumers.orgPaths());
        JsonNode policy = PolicyDocument.of(new ManagedStatements(consumers).standard()).asJson();
        IamPolicyEvaluator evaluator = new IamPolicyEvaluator(policy);
        for (Principal p : PRINCIPALS) {
            assertEquals(p.allowed(), evaluator.allows(p.arn(), "ecr:BatchGetImage", REPOSITORY, context(p)), p.label());
        }
        assertEveryWildcardPrincipalIsPinnedToAnOrganization(policy.path("Statement"));
        assertEquals(List.of(ORG_A, ORG_B), JSON.convertValue(
                policy.at("/Statement/0/Condition/StringEquals/aws:PrincipalOrgID"), List.class));
    }

    @Test
    void theTokenApisResourcePolicyCoversTheOuAndEverythingBelowIt() {
        JsonNode policy = translated.resolve(translated.resources().at("/TokenApi/Properties/Body/x-amazon-apigateway-policy"));
        IamPolicyEvaluator evaluator = new IamPolicyEvaluator(policy);
        for (Principal p : PRINCIPALS) {
            assertEquals(p.allowed(), evaluator.allows(p.arn(), "execute-api:Invoke", "execute-api:/prod/GET/token", context(p)),
                    p.label() + " in " + policy);
        }
        assertEquals(List.of(ORG_A + "/r-ab12/ou-ab12-11111111/*", ORG_B + "/r-cd34/ou-cd34-22222222/*"),
                JSON.convertValue(policy.at("/Statement/0/Condition/ForAnyValue:StringLike/aws:PrincipalOrgPaths"), List.class));
        assertEveryWildcardPrincipalIsPinnedToAnOrganization(policy.path("Statement"));
    }

    /** The template's string functions and Consumers agree on every combination of path forms. */
    @Test
    void theTemplateWritesEveryPathTheWayTheFunctionsDo() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 4; i++) {
            List<String> paths = new ArrayList<>();
            for (int n = 0; n <= random.nextInt(3); n++) {
                String org = "o-" + "abcdefghij".charAt(random.nextInt(10)) + "123456789";
                paths.add(org + "/r-ab12/ou-ab12-1111111" + n + (random.nextBoolean() ? "/" : "/*"));
            }
            String raw = String.join(",", paths);
            SamTranslator t = SamTranslator.translate(Map.of("ConsumerOrgPaths", raw));
            JsonNode statement = t.resolve(t.resources().at("/TokenApi/Properties/Body/x-amazon-apigateway-policy")).at("/Statement/0");
            Consumers consumers = Consumers.parse(null, null, null, raw);
            assertEquals(consumers.orgPaths(), sorted(statement.at("/Condition/ForAnyValue:StringLike/aws:PrincipalOrgPaths")), raw);
            List<String> orgIds = sorted(statement.at("/Condition/StringEquals/aws:PrincipalOrgID")).stream()
                    .filter(v -> v.startsWith("o-")).distinct().toList();
            assertEquals(consumers.orgPathOrgIds(), orgIds, raw);
        }
    }

    @Test
    void theFunctionsCallerCheckAdmitsTheOrganizationAndRefusesAnotherOne() {
        CallerAuthorizer authorizer = new CallerAuthorizer(Consumers.parse(null, null, null, PATHS));
        for (Principal p : PRINCIPALS) {
            Caller caller = new Caller("444444444444", p.arn(), p.orgId());
            if (p.sameOrg()) {
                // The request context carries the organization only: the OU is the resource policy's to check.
                authorizer.authorize(caller);
            } else {
                TokenRefusedException e = assertThrows(TokenRefusedException.class, () -> authorizer.authorize(caller), p.label());
                assertEquals(403, e.status());
            }
        }
    }

    private static List<String> sorted(JsonNode values) {
        List<String> list = new ArrayList<>();
        values.forEach(v -> list.add(v.asText()));
        return list.stream().sorted().toList();
    }

    /** Prowler and Checkov accept Principal "*" only with StringEquals (or StringLike) aws:PrincipalOrgID. */
    static void assertEveryWildcardPrincipalIsPinnedToAnOrganization(JsonNode statements) {
        for (JsonNode s : statements) {
            JsonNode principal = s.path("Principal");
            boolean wildcard = "*".equals(principal.asText()) || "*".equals(principal.path("AWS").asText());
            if (wildcard && !s.path("Condition").has("ArnLike")) {
                assertTrue(s.at("/Condition/StringEquals").has("aws:PrincipalOrgID"), "Principal * without aws:PrincipalOrgID: " + s);
            }
        }
    }
}
