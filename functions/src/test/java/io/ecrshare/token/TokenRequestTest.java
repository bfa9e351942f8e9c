package io.ecrshare.token;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenRequestTest {

    private static final String OWN = "123456789012";

    private static Map<String, List<String>> q(String... pairs) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            query.computeIfAbsent(pairs[i], k -> new java.util.ArrayList<>()).add(pairs[i + 1]);
        }
        return query;
    }

    @Test
    void noParametersMeansThisRegistryAsJson() {
        assertEquals(new TokenRequest(List.of(OWN), TokenRequest.Format.JSON), TokenRequest.parse(Map.of(), OWN));
    }

    @Test
    void registryIdsAreCommaSeparatedAndDeduplicatedInOrder() {
        TokenRequest request = TokenRequest.parse(q("registryIds", "111111111111,123456789012,111111111111"), OWN);
        assertEquals(List.of("111111111111", OWN), request.registryIds());
    }

    @Test
    void passwordFormatWithOneRegistry() {
        assertEquals(TokenRequest.Format.PASSWORD, TokenRequest.parse(q("registryIds", OWN, "format", "password"), OWN).format());
        assertEquals(TokenRequest.Format.JSON, TokenRequest.parse(q("format", "json"), OWN).format());
    }

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "registryIds|12345|InvalidRegistryId",
            "registryIds|1234567890123|InvalidRegistryId",
            "registryIds|12345678901a|InvalidRegistryId",
            "registryIds|''|InvalidRegistryId",
            "registryIds|123456789012,|InvalidRegistryId",
            "registryIds|' 123456789012'|InvalidRegistryId",
            "registryIds|111111111111,111111111112,111111111113,111111111114,111111111115,111111111116,111111111117,111111111118,111111111119,111111111110,111111111121|TooManyRegistryIds",
            "format|xml|InvalidFormat",
            "format|PASSWORD|InvalidFormat",
            "registryId|123456789012|UnknownParameter",
            "callback|x|UnknownParameter",
    })
    void malformedInputIs400NamingTheProblem(String name, String value, String code) {
        TokenRefusedException error = assertThrows(TokenRefusedException.class, () -> TokenRequest.parse(q(name, value), OWN));
        assertEquals(400, error.status());
        assertEquals(code, error.code());
    }

    @Test
    void tenRegistryIdsAreAllowed() {
        String ten = String.join(",", java.util.stream.IntStream.range(0, 10).mapToObj(i -> "11111111111" + i).toList());
        assertEquals(10, TokenRequest.parse(q("registryIds", ten), OWN).registryIds().size());
    }

    @Test
    void passwordFormatNeedsExactlyOneRegistry() {
        TokenRefusedException error = assertThrows(TokenRefusedException.class,
                () -> TokenRequest.parse(q("registryIds", "111111111111,123456789012", "format", "password"), OWN));
        assertEquals(400, error.status());
        assertEquals("InvalidFormat", error.code());
    }

    @Test
    void aRepeatedParameterIsRefused() {
        TokenRefusedException error = assertThrows(TokenRefusedException.class,
                () -> TokenRequest.parse(q("registryIds", OWN, "registryIds", "111111111111"), OWN));
        assertEquals(400, error.status());
    }

    @Test
    void echoedInputIsShortenedAndStrippedOfControlCharacters() {
        TokenRefusedException error = assertThrows(TokenRefusedException.class,
                () -> TokenRequest.parse(q("format", "\u001b[31m\"" + "x".repeat(200)), OWN));
        assertTrue(error.getMessage().length() < 120, error.getMessage());
        assertTrue(!error.getMessage().contains("\u001b") && !error.getMessage().contains("\""), error.getMessage());
    }
}
