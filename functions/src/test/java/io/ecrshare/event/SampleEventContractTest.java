package io.ecrshare.event;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrshare.testsupport.ProjectFiles;
import io.ecrshare.tokenapi.ApiGatewayRequest;
import org.joda.time.DateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The sample events in events/ against AWS's own event models (aws-lambda-java-events, a test dependency:
 * the functions read events with their own Jackson and never load these classes at runtime). Proves the
 * samples have the shape Lambda delivers, and that our hand-written reader of the API Gateway event sees the
 * same values as the library's model, field by field, for everything the token function reads.
 */
class SampleEventContractTest {

    /** ScheduledEvent's JSON name for detailType is "detail-type"; its Joda "time" is not read by our code. */
    abstract static class ScheduledEventNames {
        @JsonProperty("detail-type")
        abstract void setDetailType(String detailType);

        @JsonIgnore
        abstract void setTime(DateTime time);
    }

    private static final ObjectMapper MODELS = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .addMixIn(ScheduledEvent.class, ScheduledEventNames.class);

    @ParameterizedTest
    @ValueSource(strings = {"token-consumer-role.json", "token-password.json", "token-unknown-caller.json", "token-malformed.json"})
    void tokenEventsAreApiGatewayProxyEventsAndReadAlike(String file) throws Exception {
        APIGatewayProxyRequestEvent model = MODELS.readValue(ProjectFiles.eventText(file), APIGatewayProxyRequestEvent.class);
        APIGatewayProxyRequestEvent.ProxyRequestContext context = model.getRequestContext();
        assertNotNull(context, "requestContext");
        APIGatewayProxyRequestEvent.RequestIdentity identity = context.getIdentity();
        assertNotNull(identity, "requestContext.identity");
        assertNotNull(identity.getAccountId(), "identity.accountId");
        assertNotNull(identity.getUserArn(), "identity.userArn");
        assertNotNull(context.getRequestId(), "requestContext.requestId");
        assertEquals("GET", model.getHttpMethod());
        assertEquals("/token", model.getResource());
        assertNotNull(model.getQueryStringParameters(), "queryStringParameters");
        assertFalse(model.getMultiValueQueryStringParameters().isEmpty(), "multiValueQueryStringParameters");

        ApiGatewayRequest ours = ApiGatewayRequest.read(ProjectFiles.eventStream(file), "fallback");
        assertEquals(identity.getAccountId(), ours.caller().accountId());
        assertEquals(identity.getUserArn(), ours.caller().arn());
        assertEquals(identity.getPrincipalOrgId(), ours.caller().orgId());
        assertEquals(context.getRequestId(), ours.requestId());
        assertEquals(model.getMultiValueQueryStringParameters(), ours.query());
        model.getQueryStringParameters().forEach((name, value) -> assertEquals(List.of(value), ours.query().get(name), name));
    }

    @Test
    void anOrganizationCallerCarriesItsOrganizationId() throws Exception {
        APIGatewayProxyRequestEvent model = MODELS.readValue(ProjectFiles.eventText("token-password.json"),
                APIGatewayProxyRequestEvent.class);
        assertEquals("o-zz9yy8xx7w", model.getRequestContext().getIdentity().getPrincipalOrgId());
    }

    @Test
    void theScheduleEventIsAScheduledEvent() throws Exception {
        ScheduledEvent model = MODELS.readValue(ProjectFiles.eventText("reconcile-schedule.json"), ScheduledEvent.class);
        // ReconcileHandler tells the schedule from other inputs by exactly this field.
        assertEquals("Scheduled Event", model.getDetailType());
        assertEquals("aws.events", model.getSource());
        assertEquals(1, model.getResources().size());
    }
}
