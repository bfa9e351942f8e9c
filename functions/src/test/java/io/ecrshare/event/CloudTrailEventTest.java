package io.ecrshare.event;

import io.ecrshare.registry.RepositoryRef;
import io.ecrshare.testsupport.ProjectFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CloudTrailEventTest {

    @ParameterizedTest
    @CsvSource({
            "grant-create-repository-tagged.json, CreateRepository, platform/base-image, arn:aws:sts::123456789012:assumed-role/PlatformEngineer/jane.doe",
            "grant-create-repository-untagged.json, CreateRepository, payments/internal-tool, arn:aws:sts::123456789012:assumed-role/Developer/sam.lee",
            "grant-tag-resource.json, TagResource, payments/internal-tool, arn:aws:sts::123456789012:assumed-role/Developer/sam.lee",
            "grant-untag-resource.json, UntagResource, platform/base-image, arn:aws:sts::123456789012:assumed-role/PlatformEngineer/jane.doe",
            "grant-create-repository-pull-through-cache.json, CreateRepository, ecr-public/docker/library/alpine, ecr.amazonaws.com",
            "grant-create-repository-replica.json, CreateRepository, platform/base-image, replication.ecr.amazonaws.com",
    })
    void sampleEventsNameTheirRepositoryAndActor(String file, String eventName, String repository, String actor) {
        CloudTrailEvent event = CloudTrailEvent.parse(ProjectFiles.eventStream(file));
        assertEquals(eventName, event.eventName());
        assertEquals(new RepositoryRef("123456789012", "us-east-1", repository), event.repository().orElseThrow());
        assertEquals(actor, event.actor());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not json|not valid JSON",
            "[1]|not a JSON object",
            "{\"detail\":{}}|'detail-type'",
            "{\"detail-type\":\"AWS API Call via CloudTrail\"}|'detail'",
            "{\"detail-type\":\"x\",\"region\":\"us-east-1\",\"account\":\"123456789012\",\"detail\":{}}|'detail.eventName'",
            "{\"detail-type\":\"x\",\"region\":\"us-east-1\",\"account\":\"123456789012\",\"detail\":{\"eventName\":\"TagResource\",\"requestParameters\":{}}}|detail.requestParameters.resourceArn",
            "{\"detail-type\":\"x\",\"account\":\"123456789012\",\"detail\":{\"eventName\":\"TagResource\"}}|detail.awsRegion",
            "{\"detail-type\":\"x\",\"region\":\"us-east-1\",\"account\":\"1\",\"detail\":{\"eventName\":\"TagResource\",\"requestParameters\":{\"resourceArn\":\"arn:aws:s3:::bucket\"}}}|not an ECR ARN",
    })
    void malformedEventsNameWhatIsMissing(String json, String expected) {
        MalformedEventException e = assertThrows(MalformedEventException.class,
                () -> CloudTrailEvent.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void tagOnSomethingOtherThanARepositoryIsNotARepository() {
        String json = "{\"detail-type\":\"x\",\"region\":\"us-east-1\",\"account\":\"123456789012\",\"detail\":{\"eventName\":\"TagResource\","
                + "\"requestParameters\":{\"resourceArn\":\"arn:aws:ecr:us-east-1:123456789012:repository-creation-template/ROOT\"}}}";
        CloudTrailEvent event = CloudTrailEvent.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(event.repository().isEmpty());
        assertTrue(event.notARepositoryReason().contains("not a repository"));
        assertNull(event.sessionIssuerArn());
    }
}
