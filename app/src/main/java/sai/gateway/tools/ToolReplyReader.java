package sai.gateway.tools;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.LimitingStream;
import io.micronaut.serde.jackson.JacksonDecoder;
import jakarta.inject.Singleton;
import sai.gateway.conversation.CompletionIds;
import sai.gateway.observe.RequestLog;
import sai.gateway.conversation.ToolCall;
import sai.gateway.conversation.ToolKind;
import sai.gateway.conversation.ToolRequest;
import sai.gateway.conversation.ToolSpec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the tool calls in SAI's text answer. Models do not always answer as instructed, so every JSON
 * value in the text is a candidate: the whole answer, one inside a {@code ```json} fence, or one after
 * some prose; as {@code {"tool_calls":[...]}}, a bare array of calls, one call alone, or the shapes SAI
 * templates already produce ({@code {"type":"function","function":{"name","arguments"}}}, arguments as
 * an object or as a JSON string). A JSON value becomes calls only if every call in it names an offered
 * tool and has object arguments (free-form text for a custom tool); anything else stays text. Broken
 * JSON is text too: reading never fails.
 */
@Singleton
public class ToolReplyReader {

    private static final JsonFactory JSON = new JsonFactory();
    /** A bound on parse attempts, whatever the answer looks like; each attempt starts after the previous one. */
    private static final int MAX_CANDIDATES = 1000;
    private static final String FENCE = "```";

    private final JsonMapper json;

    public ToolReplyReader(JsonMapper json) {
        this.json = json;
    }

    public AssistantReply read(RequestLog log, String text, ToolRequest tools) {
        if (!tools.offersTools() || (text.indexOf('{') < 0 && text.indexOf('[') < 0)) {
            return AssistantReply.text(text);
        }
        char[] chars = text.toCharArray();
        List<int[]> spans = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        int rejected = 0;
        int from = 0;
        for (int attempt = 0; attempt < MAX_CANDIDATES; attempt++) {
            int start = nextStart(text, from);
            if (start < 0) {
                break;
            }
            Candidate candidate = parse(chars, start);
            if (candidate.node() == null) {
                if (candidate.truncated()) {
                    break; // the rest of the text is an unfinished value: nothing after it can be a call
                }
                from = Math.max(candidate.end(), start + 1);
                continue;
            }
            Optional<List<ToolCall>> found = interpret(candidate.node(), tools);
            if (found.isPresent()) {
                spans.add(new int[]{start, candidate.end()});
                calls.addAll(found.get());
            } else if (candidate.node().isObject() || candidate.node().isArray()) {
                rejected++;
            }
            from = candidate.end();
        }
        if (calls.isEmpty()) {
            if (rejected > 0) {
                log.info("[TOOLS] answer has JSON but no acceptable tool call (unknown tool or arguments not an object): kept as text");
            }
            return AssistantReply.text(text);
        }
        if (!tools.parallel() && calls.size() > 1) {
            log.info("[TOOLS] answer has {} tool calls but parallel_tool_calls is false: only the first is kept", calls.size());
            calls = List.of(calls.get(0));
        }
        String content = remainder(text, spans);
        log.info("[TOOLS] answer: {} tool call(s) {} | text besides: {} chars", calls.size(),
                calls.stream().map(ToolCall::qualifiedName).toList(), content.length());
        return new AssistantReply(content.isEmpty() ? null : content, calls);
    }

    private record Candidate(@Nullable JsonNode node, int end, boolean truncated) {
    }

    private static int nextStart(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{' || c == '[') {
                return i;
            }
        }
        return -1;
    }

    /** One JSON value starting at {@code start}, and where it ends (or where it broke). */
    private static Candidate parse(char[] chars, int start) {
        try (JsonParser parser = JSON.createParser(chars, start, chars.length - start)) {
            parser.nextToken();
            JsonNode node = JacksonDecoder.create(parser, LimitingStream.DEFAULT_LIMITS).decodeNode();
            return new Candidate(node, start + (int) parser.currentLocation().getCharOffset(), false);
        } catch (JsonEOFException truncated) {
            return new Candidate(null, chars.length, true);
        } catch (JsonProcessingException broken) {
            long at = broken.getLocation() == null ? 0 : broken.getLocation().getCharOffset();
            return new Candidate(null, start + (int) Math.max(at, 1), false);
        } catch (IOException | RuntimeException unreadable) {
            return new Candidate(null, start + 1, false);
        }
    }

    private Optional<List<ToolCall>> interpret(JsonNode node, ToolRequest tools) {
        if (node.isArray()) {
            return all(node.values(), tools, false);
        }
        if (!node.isObject()) {
            return Optional.empty();
        }
        JsonNode list = node.get("tool_calls");
        if (list != null) {
            return list.isArray() ? all(list.values(), tools, true)
                    : list.isObject() ? all(List.of(list), tools, true) : Optional.empty();
        }
        JsonNode legacy = node.get("function_call");
        if (legacy != null && legacy.isObject()) {
            return all(List.of(legacy), tools, true);
        }
        return all(List.of(node), tools, false);
    }

    /** All or nothing: a value with one unacceptable call is not a tool answer, and the client sees the text. */
    private Optional<List<ToolCall>> all(Iterable<JsonNode> nodes, ToolRequest tools, boolean wrapped) {
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode node : nodes) {
            Optional<ToolCall> call = call(node, tools, wrapped);
            if (call.isEmpty()) {
                return Optional.empty();
            }
            calls.add(call.get());
        }
        return calls.isEmpty() ? Optional.empty() : Optional.of(calls);
    }

    /**
     * @param wrapped the value said it holds calls ({@code tool_calls}); a bare object must also carry its
     *                arguments before it is taken for a call rather than some JSON the model was asked to write
     */
    private Optional<ToolCall> call(JsonNode node, ToolRequest tools, boolean wrapped) {
        if (!node.isObject()) {
            return Optional.empty();
        }
        JsonNode target = node;
        JsonNode function = node.get("function");
        JsonNode custom = node.get("custom");
        if (function != null && function.isObject()) {
            target = function;
            wrapped = true;
        } else if (custom != null && custom.isObject()) {
            target = custom;
            wrapped = true;
        }
        String name = string(target.get("name"));
        if (name == null) {
            return Optional.empty();
        }
        String namespace = string(target.get("namespace"));
        Optional<ToolSpec> tool = tools.offered(name);
        if (tool.isEmpty() && namespace != null) {
            tool = tools.offered(ToolSpec.qualifiedName(namespace, name));
        }
        if (tool.isEmpty()) {
            return Optional.empty();
        }
        JsonNode arguments = first(target, "arguments", "parameters", "input");
        if (arguments == null && !wrapped) {
            return Optional.empty();
        }
        ToolSpec spec = tool.get();
        Optional<String> value = spec.kind() == ToolKind.CUSTOM ? input(arguments) : argumentsJson(arguments);
        return value.map(v -> new ToolCall(CompletionIds.next("call_"), spec.kind(), spec.localName(), spec.namespace(), v));
    }

    /** A function's arguments: an object, or a string holding one; none at all means no arguments. */
    private Optional<String> argumentsJson(@Nullable JsonNode arguments) {
        if (arguments == null || arguments.isNull()) {
            return Optional.of("{}");
        }
        JsonNode object = arguments;
        if (arguments.isString()) {
            object = parseObject(arguments.getStringValue());
        }
        if (object == null || !object.isObject()) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.writeValueAsString(object));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A custom tool's free-form input: the string itself, or an object's {@code input} string. */
    private static Optional<String> input(@Nullable JsonNode input) {
        if (input == null) {
            return Optional.empty();
        }
        if (input.isString()) {
            return Optional.of(input.getStringValue());
        }
        if (input.isObject() && input.size() == 1) {
            return Optional.ofNullable(string(input.get("input")));
        }
        return Optional.empty();
    }

    @Nullable
    private static JsonNode parseObject(String text) {
        char[] chars = text.strip().toCharArray();
        if (chars.length == 0 || chars[0] != '{') {
            return null;
        }
        Candidate candidate = parse(chars, 0);
        return candidate.node() != null && candidate.end() == chars.length ? candidate.node() : null;
    }

    @Nullable
    private static JsonNode first(JsonNode node, String... fields) {
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    @Nullable
    private static String string(@Nullable JsonNode node) {
        return node != null && node.isString() ? node.getStringValue() : null;
    }

    /** The text around the calls, without the fences that held them. */
    static String remainder(String text, List<int[]> spans) {
        StringBuilder rest = new StringBuilder();
        int position = 0;
        for (int[] span : spans) {
            int start = span[0];
            int end = span[1];
            int fenceOpen = fenceOpening(text, start);
            int fenceClose = fenceClosing(text, end);
            if (fenceOpen >= position && fenceClose >= 0) {
                start = fenceOpen;
                end = fenceClose;
            }
            rest.append(text, position, start);
            position = end;
        }
        rest.append(text, position, text.length());
        return rest.toString().strip();
    }

    /** Where a {@code ```} or {@code ```json} line right before {@code start} begins, or -1. */
    private static int fenceOpening(String text, int start) {
        int i = start - 1;
        while (i >= 0 && Character.isWhitespace(text.charAt(i))) {
            i--;
        }
        while (i >= 0 && Character.isLetter(text.charAt(i))) {
            i--;
        }
        int fence = i - FENCE.length() + 1;
        return fence >= 0 && text.startsWith(FENCE, fence) ? fence : -1;
    }

    /** Where a {@code ```} right after {@code end} ends, or -1. */
    private static int fenceClosing(String text, int end) {
        int i = end;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return text.startsWith(FENCE, i) ? i + FENCE.length() : -1;
    }
}
