package io.ecrshare.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.config.ShareConfig;
import io.ecrshare.testsupport.CloudFormationTemplate;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.ecrshare.testsupport.CloudFormationTemplate.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The organization parameters: replica sharing is least privilege, RevokeOnDelete reaches the reconcile. */
@SuppressWarnings("unchecked")
class OrganizationTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "123456789012";
    private final CloudFormationTemplate template = CloudFormationTemplate.load();

    private IamPolicyEvaluator replicaPolicy() {
        Map<String, Object> values = Map.of("AWS::Partition", "aws", "AWS::Region", "us-east-1", "AWS::AccountId", ACCOUNT,
                "ReplicationSourceRegions", "us-west-2,eu-west-1", "ShareTagKey", "ecr-share");
        Object document = CloudFormationTemplate.resolve(at(template.properties("ReplicaSharingPolicy"), "PolicyDocument"),
                values, condition -> true);
        return new IamPolicyEvaluator(JSON.valueToTree(document));
    }

    private static String repo(String region) {
        return "arn:aws:ecr:" + region + ":" + ACCOUNT + ":repository/platform/base-image";
    }

    @Test
    void replicasReadSourceTagsOnlyInTheListedRegionsAndMayAddOnlyTheSharingTagHere() {
        IamPolicyEvaluator policy = replicaPolicy();
        assertTrue(policy.allows("ecr:ListTagsForResource", repo("us-west-2"), Map.of("aws:RequestedRegion", "us-west-2")));
        assertTrue(policy.allows("ecr:ListTagsForResource", repo("eu-west-1"), Map.of("aws:RequestedRegion", "eu-west-1")));
        assertFalse(policy.allows("ecr:ListTagsForResource", repo("ap-south-1"), Map.of("aws:RequestedRegion", "ap-south-1")));
        assertFalse(policy.allows("ecr:ListTagsForResource", "arn:aws:ecr:us-west-2:999999999999:repository/x",
                Map.of("aws:RequestedRegion", "us-west-2")), "only this account's repositories");

        assertTrue(policy.allows(null, "ecr:TagResource", repo("us-east-1"), Map.of("aws:TagKeys", List.of("ecr-share"))));
        assertFalse(policy.allows(null, "ecr:TagResource", repo("us-east-1"), Map.of("aws:TagKeys", List.of("ecr-share", "owner"))));
        assertFalse(policy.allows("ecr:TagResource", repo("us-west-2"), Map.of("aws:TagKeys", "ecr-share")),
                "sources are never written");
        for (String other : List.of("ecr:UntagResource", "ecr:SetRepositoryPolicy", "ecr:BatchGetImage")) {
            assertFalse(policy.allows(other, repo("us-west-2"), Map.of("aws:RequestedRegion", "us-west-2")), other);
        }
    }

    @Test
    void replicaPermissionsExistOnlyWithSourceRegionsAndReachEveryPolicyFunction() {
        Map<String, Object> resource = template.resources().get("ReplicaSharingPolicy");
        assertEquals("HasReplicationSourceRegions", resource.get("Condition"));
        assertEquals(List.of(Map.of("Ref", "GrantFunctionRole"), Map.of("Ref", "EnforceFunctionRole"),
                Map.of("Ref", "ReconcileFunctionRole")), at(resource, "Properties", "Roles"));
        Map<String, Object> env = (Map<String, Object>) at(template.section("Globals"), "Function", "Environment", "Variables");
        assertEquals(Map.of("Ref", "ReplicationSourceRegions"), env.get(ShareConfig.REPLICATION_SOURCE_REGIONS));
        assertEquals("", at(template.section("Parameters"), "ReplicationSourceRegions", "Default"));
    }

    @Test
    void theServerlessRepositoryVersionIsThePomsAndTheChangelogNamesIt() throws Exception {
        Object version = at(template.section("Metadata"), "AWS::ServerlessRepo::Application", "SemanticVersion");
        java.nio.file.Path root = io.ecrshare.testsupport.ProjectFiles.root();
        for (String pom : List.of("pom.xml", "functions/pom.xml")) {
            String text = java.nio.file.Files.readString(root.resolve(pom));
            java.util.regex.Matcher own = java.util.regex.Pattern.compile("</artifactId>\\s*<version>([^<]+)</version>").matcher(text);
            assertTrue(own.find(), pom);
            assertEquals(version, own.group(1), pom);
        }
        assertTrue(java.nio.file.Files.readString(root.resolve("CHANGELOG.md")).contains("\n## " + version + "\n"));
        for (String file : List.of("LICENSE", "README.md")) {
            assertTrue(java.nio.file.Files.exists(root.resolve(
                    (String) at(template.section("Metadata"), "AWS::ServerlessRepo::Application",
                            file.equals("LICENSE") ? "LicenseUrl" : "ReadmeUrl"))), file);
        }
    }

    @Test
    void revokeOnDeleteIsOffByDefaultAndTheConvergenceResourceWaitsForTheRevoke() {
        assertEquals("false", at(template.section("Parameters"), "RevokeOnDelete", "Default"));
        assertEquals(Map.of("Ref", "RevokeOnDelete"),
                at(template.properties("ReconcileFunction"), "Environment", "Variables", io.ecrshare.config.FunctionConfig.REVOKE_ON_DELETE));
        int lambdaTimeout = (Integer) template.properties("ReconcileFunction").get("Timeout");
        int serviceTimeout = (Integer) template.properties("ConfigurationConvergence").get("ServiceTimeout");
        assertTrue(serviceTimeout > lambdaTimeout, "CloudFormation waits for the whole revoke, and no longer");
        assertEquals(Map.of("Ref", "RevokeOnDelete"), template.properties("ConfigurationConvergence").get("RevokeOnDelete"));
    }
}
