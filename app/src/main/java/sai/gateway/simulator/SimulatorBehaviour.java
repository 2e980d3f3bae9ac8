package sai.gateway.simulator;

import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulator's whole repertoire: which credential or marker makes SAI fail in which documented way
 * (CONTRACT.md section 3), and what a normal answer looks like. Everything is a pure function of the
 * request, so a test can provoke each failure on purpose and get the same answer every time.
 */
@Singleton
class SimulatorBehaviour {

    static final String KEY_UNAUTHORIZED = "sim-401";
    static final String KEY_QUOTA = "sim-429";
    static final String KEY_RATE_LIMITED = "sim-429-plain";

    static final String MARKER_TOO_LONG = "[sim:too-long]";
    static final String MARKER_INTERNAL_ERROR = "[sim:500]";
    static final String MARKER_UNAVAILABLE = "[sim:503]";
    static final String MARKER_EMPTY = "[sim:empty]";
    static final String TOOL_RESULT_PREFIX = "[SAI simulator] Tool result received: ";
    static final int MAX_SLOW_SECONDS = 600;

    static final String DEFAULT_MODEL = "sai-simulator-default";
    static final String ANSWER_PREFIX = "[SAI simulator] You said: ";
    static final String QUOTA_BODY = "Test template usage limit exceeded";
    static final String RETRY_AFTER_SECONDS = "7";

    // Lenient inside the brackets so a typo such as [sim:slow=abc] is refused instead of silently ignored.
    private static final Pattern SLOW = Pattern.compile("\\[sim:slow=([^\\]]*)]");
    private static final Pattern TOOL = Pattern.compile("\\[sim:tool=([^\\]]*)]");

    private final SimulatorRequestParser parser;
    private final SimulatorToolCall toolCall;

    SimulatorBehaviour(SimulatorRequestParser parser, SimulatorToolCall toolCall) {
        this.parser = parser;
        this.toolCall = toolCall;
    }

    /** Credential triggers come before the body is even read, as they would on a real server. */
    Optional<SimulatedResponse> credentialFailure(SimulatorCredential credential) {
        if (credential.carries(KEY_UNAUTHORIZED)) {
            return Optional.of(SimulatedResponse.of(401, "Unauthorized"));
        }
        // The plain trigger contains the quota trigger, so it must be checked first.
        if (credential.carries(KEY_RATE_LIMITED)) {
            return Optional.of(SimulatedResponse.of(429, "Too Many Requests"));
        }
        if (credential.carries(KEY_QUOTA)) {
            return Optional.of(SimulatedResponse.of(429, QUOTA_BODY).withHeader("Retry-After", RETRY_AFTER_SECONDS));
        }
        return Optional.empty();
    }

    SimulatedResponse answer(SimulatorRequest request, @Nullable String modelOverride) {
        Duration delay = slowDelay(request.user());
        return outcome(request, modelOverride).delayedBy(delay);
    }

    private SimulatedResponse outcome(SimulatorRequest request, @Nullable String modelOverride) {
        String user = request.user();
        if (user.contains(MARKER_TOO_LONG)) {
            return SimulatedResponse.of(500, "{\"error\":\"prompt is too long: 250000 tokens > 200000 maximum\"}");
        }
        if (user.contains(MARKER_INTERNAL_ERROR)) {
            return SimulatedResponse.of(500, "internal error at com.sai.internal.Foo (stack details)");
        }
        if (user.contains(MARKER_UNAVAILABLE)) {
            return SimulatedResponse.of(503, "Service Unavailable");
        }
        String text = user.contains(MARKER_EMPTY) ? "" : answerText(request);
        return SimulatedResponse.of(200, text)
                .withHeader("prompttokens", Long.toString(Math.max(1, tokens(request.promptCharacters()))))
                .withHeader("completiontokens", Long.toString(tokens(text.length())))
                .withHeader("model", modelOverride == null || modelOverride.isBlank() ? DEFAULT_MODEL : modelOverride);
    }

    private String answerText(SimulatorRequest request) {
        Matcher tool = TOOL.matcher(request.user());
        if (tool.find()) {
            // The marker stays in the last user message for the whole exchange: once the result is back, answer it.
            if ("tool".equals(request.lastChatRole())) {
                return TOOL_RESULT_PREFIX + request.chatContents().get(request.chatContents().size() - 1);
            }
            return toolCall.answer(tool.group(1).trim(), request.tools());
        }
        String text = ANSWER_PREFIX + request.user();
        if (request.tools() == null) {
            return text;
        }
        int count = parser.countTools(request.tools());
        return text + "\n[SAI simulator] Tools offered: " + (count < 0 ? "inputs.tools is not a JSON array" : count);
    }

    private static Duration slowDelay(String user) {
        Matcher m = SLOW.matcher(user);
        if (!m.find()) {
            return Duration.ZERO;
        }
        String value = m.group(1).trim();
        if (!value.matches("\\d{1,3}") || Integer.parseInt(value) > MAX_SLOW_SECONDS) {
            throw new SimulatorRejection("[sim:slow=N] needs N as whole seconds from 0 to " + MAX_SLOW_SECONDS + ".");
        }
        return Duration.ofSeconds(Integer.parseInt(value));
    }

    /** Same rounding-up estimate SAI's usage headers are checked against: one token per four characters. */
    static long tokens(long characters) {
        return (characters + 3) / 4;
    }
}
