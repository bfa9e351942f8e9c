package io.ecrshare.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.config.Consumers;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManagedStatementsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyConsumerKindBecomesOneStatementWithAccountRootsNeverRoleArnsAsPrincipals() throws Exception {
        Consumers consumers = Consumers.parse("222222222222,111111111111",
                "arn:aws:iam::333333333333:role/puller,arn:aws:iam::333333333333:role/ci/*",
                "o-a1b2c3d4e5", "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/");
        String expected = """
                [{"Sid":"EcrSharePullAccounts","Effect":"Allow",
                  "Principal":{"AWS":["arn:aws:iam::111111111111:root","arn:aws:iam::222222222222:root"]},
                  "Action":["ecr:BatchCheckLayerAvailability","ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]},
                 {"Sid":"EcrSharePullPrincipals","Effect":"Allow",
                  "Principal":{"AWS":["arn:aws:iam::333333333333:root"]},
                  "Action":["ecr:BatchCheckLayerAvailability","ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],
                  "Condition":{"ArnLike":{"aws:PrincipalArn":["arn:aws:iam::333333333333:role/ci/*","arn:aws:iam::333333333333:role/puller"]}}},
                 {"Sid":"EcrSharePullOrganizations","Effect":"Allow","Principal":"*",
                  "Action":["ecr:BatchCheckLayerAvailability","ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],
                  "Condition":{"StringEquals":{"aws:PrincipalOrgID":["o-a1b2c3d4e5"]}}},
                 {"Sid":"EcrSharePullOrganizationPaths","Effect":"Allow","Principal":"*",
                  "Action":["ecr:BatchCheckLayerAvailability","ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],
                  "Condition":{"StringEquals":{"aws:PrincipalOrgID":["o-a1b2c3d4e5"]},
                               "ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"]}}}]
                """;
        assertEquals(JSON.readTree(expected), JSON.valueToTree(new ManagedStatements(consumers).standard()));
    }

    @Test
    void onlyConfiguredKindsAppearAndNoResourceElement() {
        ManagedStatements managed = new ManagedStatements(Consumers.parse("111111111111", null, null, null));
        assertEquals(1, managed.standard().size());
        assertFalse(managed.standard().get(0).has("Resource"), "ECR rejects a Resource element");
        assertFalse(managed.standard().get(0).has("Condition"));
        assertTrue(ManagedStatements.isManaged(managed.standard().get(0)));
    }
}
