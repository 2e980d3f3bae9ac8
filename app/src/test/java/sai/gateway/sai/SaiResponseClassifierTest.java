package sai.gateway.sai;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import sai.gateway.auth.CredentialKind;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.UpstreamException;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** CONTRACT.md section 3, row by row, plus the usage and Retry-After headers of section 2. */
class SaiResponseClassifierTest {

    private static final Function<String, String> NO_HEADERS = name -> null;

    // 200

    @Test
    void answerCarriesTextUsageAndModel() {
        SaiAnswer answer = SaiResponseClassifier.classify(200, "{\"looks\":\"like JSON\"}",
                headers(Map.of("prompttokens", "120", "completiontokens", "30", "model", "claude-sonnet-4-5-20250929")),
                CredentialKind.SYSTEM_KEY);

        assertThat(answer.text()).isEqualTo("{\"looks\":\"like JSON\"}");
        assertThat(answer.promptTokens()).isEqualTo(120);
        assertThat(answer.completionTokens()).isEqualTo(30);
        assertThat(answer.totalTokens()).isEqualTo(150);
        assertThat(answer.model()).isEqualTo("claude-sonnet-4-5-20250929");
    }

    @Test
    void missingUsageAndModelHeadersMeanZeroAndUnknown() {
        SaiAnswer answer = SaiResponseClassifier.classify(200, "hi", NO_HEADERS, CredentialKind.SYSTEM_KEY);

        assertThat(answer.promptTokens()).isZero();
        assertThat(answer.completionTokens()).isZero();
        assertThat(answer.model()).isNull();
    }

    @Test
    void blankModelHeaderIsUnknown() {
        assertThat(SaiResponseClassifier.classify(200, "hi", headers(Map.of("model", "  ")), CredentialKind.SYSTEM_KEY).model()).isNull();
    }

    @Test
    void tokenHeadersAreParsedLeniently() {
        assertThat(SaiResponseClassifier.tokens("42")).isEqualTo(42);
        assertThat(SaiResponseClassifier.tokens(" 42 ")).isEqualTo(42);
        assertThat(SaiResponseClassifier.tokens(null)).isZero();
        assertThat(SaiResponseClassifier.tokens("")).isZero();
        assertThat(SaiResponseClassifier.tokens("abc")).isZero();
        assertThat(SaiResponseClassifier.tokens("12.5")).isZero();
        assertThat(SaiResponseClassifier.tokens("-3")).isZero();
        assertThat(SaiResponseClassifier.tokens("99999999999999999999")).isZero();
    }

    @ParameterizedTest(name = "body [{0}]")
    @ValueSource(strings = {"", " ", "\n\t"})
    void emptyAnswerIsNeverASuccess(String body) {
        UpstreamException e = classifyFailure(200, body, NO_HEADERS, CredentialKind.SYSTEM_KEY);

        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_EMPTY_RESPONSE);
        assertThat(classifyFailure(200, null, NO_HEADERS, CredentialKind.SYSTEM_KEY).code()).isEqualTo(ErrorCode.UPSTREAM_EMPTY_RESPONSE);
    }

    // 401

    @ParameterizedTest
    @EnumSource(CredentialKind.class)
    void unauthorizedNamesTheCredentialThatFailedAndIsNotRetried(CredentialKind kind) {
        UpstreamException e = classifyFailure(401, "{\"detail\":\"Invalid key\"}", NO_HEADERS, kind);

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_API_KEY);
        assertThat(e.messageKey()).isEqualTo(kind.unauthorizedMessageKey());
        assertThat(e.retryable()).isFalse();
        assertThat(e.isRateLimit()).isFalse();
    }

    @Test
    void eachCredentialHasItsOwnUnauthorizedMessage() {
        assertThat(CredentialKind.values()).extracting(CredentialKind::unauthorizedMessageKey).doesNotHaveDuplicates();
    }

    // 429

    @Test
    void quotaSpentIsARateLimitThatAllowsTheCookieFallback() {
        String body = "{\"error\":\"Test template usage limit exceeded\"}";
        UpstreamException e = classifyFailure(429, body, NO_HEADERS, CredentialKind.SYSTEM_KEY);

        assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMIT_EXCEEDED);
        assertThat(e.isRateLimit()).isTrue();
        assertThat(e.retryable()).as("the cookie fallback is the only retry, not the transient-failure policy").isFalse();
    }

    @Test
    void otherRateLimitPassesRetryAfterOn() {
        UpstreamException e = classifyFailure(429, "slow down", headers(Map.of("Retry-After", "30")), CredentialKind.USER_KEY);

        assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMIT_EXCEEDED);
        assertThat(e.isRateLimit()).isTrue();
        assertThat(e.retryAfterSeconds()).contains(30L);
    }

    @Test
    void rateLimitWithoutRetryAfterHasNone() {
        assertThat(classifyFailure(429, "", NO_HEADERS, CredentialKind.SYSTEM_KEY).retryAfterSeconds()).isEmpty();
    }

    @Test
    void retryAfterInSeconds() {
        assertThat(SaiResponseClassifier.retryAfterSeconds("120")).isEqualTo(120L);
        assertThat(SaiResponseClassifier.retryAfterSeconds(" 7 ")).isEqualTo(7L);
        assertThat(SaiResponseClassifier.retryAfterSeconds("0")).isZero();
        assertThat(SaiResponseClassifier.retryAfterSeconds("-5")).isZero();
    }

    @Test
    void retryAfterAsHttpDate() {
        String inTwoMinutes = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(120));
        String anHourAgo = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusHours(1));

        // A range, not a timing assertion: the date has one-second resolution and "now" moves between the two calls.
        assertThat(SaiResponseClassifier.retryAfterSeconds(inTwoMinutes)).isBetween(100L, 120L);
        assertThat(SaiResponseClassifier.retryAfterSeconds(anHourAgo)).isZero();
        assertThat(SaiResponseClassifier.retryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT")).isZero();
    }

    @Test
    void unreadableRetryAfterIsIgnored() {
        assertThat(SaiResponseClassifier.retryAfterSeconds(null)).isNull();
        assertThat(SaiResponseClassifier.retryAfterSeconds("")).isNull();
        assertThat(SaiResponseClassifier.retryAfterSeconds("soon")).isNull();
        assertThat(SaiResponseClassifier.retryAfterSeconds("2026-11-22T10:00:00Z")).isNull();
    }

    // 500

    @ParameterizedTest(name = "body [{0}]")
    @ValueSource(strings = {"prompt is too long: 210000 tokens > 200000 maximum", "Error: PROMPT IS TOO LONG",
            "OpenAICompatible provider error: context_length_exceeded", "upstream openaicompatible failure"})
    void tooLongIsContextLengthExceeded(String body) {
        UpstreamException e = classifyFailure(500, body, NO_HEADERS, CredentialKind.SYSTEM_KEY);

        assertThat(e.code()).isEqualTo(ErrorCode.CONTEXT_LENGTH_EXCEEDED);
        assertThat(e.code().status()).isEqualTo(400);
        assertThat(e.param()).isEqualTo("messages");
        assertThat(e.retryable()).isFalse();
    }

    @ParameterizedTest(name = "body [{0}]")
    @ValueSource(strings = {"Internal Server Error", "", "{\"error\":\"NullPointerException at Template.run\"}"})
    void otherInternalErrorIsAnUpstreamErrorNotRetried(String body) {
        UpstreamException e = classifyFailure(500, body, NO_HEADERS, CredentialKind.SYSTEM_KEY);

        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_ERROR);
        assertThat(e.code().status()).isEqualTo(502);
        assertThat(e.retryable()).isFalse();
        assertThat(classifyFailure(500, null, NO_HEADERS, CredentialKind.SYSTEM_KEY).code()).isEqualTo(ErrorCode.UPSTREAM_ERROR);
    }

    @Test
    void tooLongTextOnAnotherStatusIsNotContextLength() {
        // Only a 500 carries that meaning in the contract; a 503 saying it is still "unavailable".
        assertThat(classifyFailure(503, "prompt is too long", NO_HEADERS, CredentialKind.SYSTEM_KEY).code())
                .isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
    }

    // other 5xx

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {501, 502, 503, 504, 520})
    void otherServerErrorsAreUnavailableAndRetried(int status) {
        UpstreamException e = classifyFailure(status, "Bad Gateway", NO_HEADERS, CredentialKind.SYSTEM_KEY);

        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
        assertThat(e.retryable()).isTrue();
        assertThat(new TransientFailurePredicate().test(e)).isTrue();
    }

    @Test
    void onlyUnavailableIsTransient() {
        TransientFailurePredicate transientFailure = new TransientFailurePredicate();

        assertThat(transientFailure.test(classifyFailure(401, "", NO_HEADERS, CredentialKind.SYSTEM_KEY))).isFalse();
        assertThat(transientFailure.test(classifyFailure(429, "", NO_HEADERS, CredentialKind.SYSTEM_KEY))).isFalse();
        assertThat(transientFailure.test(classifyFailure(500, "", NO_HEADERS, CredentialKind.SYSTEM_KEY))).isFalse();
        assertThat(transientFailure.test(classifyFailure(500, "prompt is too long", NO_HEADERS, CredentialKind.SYSTEM_KEY))).isFalse();
        assertThat(transientFailure.test(UpstreamException.unreachable())).isTrue();
        assertThat(transientFailure.test(new IllegalStateException())).isFalse();
    }

    // other 4xx

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {400, 403, 404, 422})
    void otherClientErrorsAreOurFaultAndNotRetried(int status) {
        UpstreamException e = classifyFailure(status, "bad request", NO_HEADERS, CredentialKind.SYSTEM_KEY);

        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_ERROR);
        assertThat(e.retryable()).isFalse();
    }

    private static UpstreamException classifyFailure(int status, String body, Function<String, String> headers, CredentialKind kind) {
        UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> SaiResponseClassifier.classify(status, body, headers, kind));
        assertThat(e).as("HTTP %s must be classified as a failure", status).isNotNull();
        return e;
    }

    /** SAI's header names are case-insensitive on the wire. */
    private static Function<String, String> headers(Map<String, String> values) {
        return name -> values.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
