package sai.gateway.tools;

import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import sai.gateway.observe.RequestLog;
import sai.gateway.conversation.ToolCall;
import sai.gateway.conversation.ToolChoice;
import sai.gateway.conversation.ToolKind;
import sai.gateway.conversation.ToolRequest;
import sai.gateway.conversation.ToolSpec;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The edges of reading calls out of text, where the wire tests would need one SAI stub per case. */
class ToolReplyReaderTest {

    private final ToolReplyReader reader = new ToolReplyReader(JsonMapper.createDefault());
    private final RequestLog log = new RequestLog(LoggerFactory.getLogger(ToolReplyReaderTest.class), "test0001");

    private static final ToolSpec WEATHER = function("get_weather", null);
    private static final ToolSpec PATCH = new ToolSpec(ToolKind.CUSTOM, "apply_patch", null, "apply_patch", JsonNode.createObjectNode(Map.of()));
    private static final ToolSpec SEARCH = function("search", "docs");
    private static final ToolRequest TOOLS = new ToolRequest(List.of(WEATHER, PATCH, SEARCH), ToolChoice.AUTO, true);

    private static ToolSpec function(String name, String namespace) {
        return new ToolSpec(ToolKind.FUNCTION, ToolSpec.qualifiedName(namespace, name), namespace, name, JsonNode.createObjectNode(Map.of()));
    }

    private AssistantReply read(String text) {
        return reader.read(log, text, TOOLS);
    }

    @Test
    void textAroundTheCallIsKeptWithoutTheFence() {
        AssistantReply reply = read("I'll check.\n```json\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Quito\"}}\n```\nBack soon.");

        assertThat(reply.content()).isEqualTo("I'll check.\n\nBack soon.");
        assertThat(reply.calls()).extracting(ToolCall::name, ToolCall::arguments).containsExactly(
                org.assertj.core.groups.Tuple.tuple("get_weather", "{\"city\":\"Quito\"}"));
    }

    @Test
    void callsInSeveralBlocksAreAllRead() {
        AssistantReply reply = read("{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Quito\"}}\n"
                + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Lima\"}}");

        assertThat(reply.content()).isNull();
        assertThat(reply.calls()).hasSize(2);
        assertThat(reply.calls().get(0).id()).isNotEqualTo(reply.calls().get(1).id());
    }

    @Test
    void aCallInsideAnUnrelatedObjectIsNotTakenOut() {
        String text = "Example config: {\"job\": {\"name\": \"get_weather\", \"arguments\": {\"city\": \"Quito\"}}}";

        AssistantReply reply = read(text);

        assertThat(reply.calls()).isEmpty();
        assertThat(reply.content()).isEqualTo(text);
    }

    @Test
    void aCallInsideBrokenJsonIsNotTakenOut() {
        String text = "{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Quito\"}}],}";

        assertThat(read(text)).isEqualTo(AssistantReply.text(text));
    }

    @Test
    void customToolsTakeTheirInputFromAnyOfTheUsualFields() {
        assertThat(read("{\"tool_calls\": [{\"name\": \"apply_patch\", \"input\": \"*** Begin Patch\"}]}").calls().get(0).arguments())
                .isEqualTo("*** Begin Patch");
        assertThat(read("{\"tool_calls\": [{\"name\": \"apply_patch\", \"arguments\": \"*** Begin Patch\"}]}").calls().get(0).arguments())
                .isEqualTo("*** Begin Patch");
        assertThat(read("{\"tool_calls\": [{\"name\": \"apply_patch\", \"arguments\": {\"input\": \"x\"}}]}").calls().get(0).arguments())
                .isEqualTo("x");
        assertThat(read("{\"tool_calls\": [{\"name\": \"apply_patch\", \"arguments\": {\"patch\": \"x\", \"other\": 1}}]}").calls()).isEmpty();
    }

    @Test
    void aNamespacedToolIsFoundByItsFullNameOrByNamespaceAndName() {
        ToolCall byFullName = read("{\"tool_calls\": [{\"name\": \"docs__search\", \"arguments\": {}}]}").calls().get(0);
        ToolCall byParts = read("{\"tool_calls\": [{\"namespace\": \"docs\", \"name\": \"search\", \"arguments\": {}}]}").calls().get(0);

        for (ToolCall call : List.of(byFullName, byParts)) {
            assertThat(call.namespace()).isEqualTo("docs");
            assertThat(call.name()).isEqualTo("search");
        }
    }

    @Test
    void noToolsOfferedMeansNoReading() {
        String text = "{\"name\": \"get_weather\", \"arguments\": {}}";

        assertThat(reader.read(log, text, ToolRequest.NONE)).isEqualTo(AssistantReply.text(text));
        assertThat(reader.read(log, text, new ToolRequest(List.of(WEATHER), ToolChoice.NONE, true))).isEqualTo(AssistantReply.text(text));
    }

    @Test
    void aPathologicalAnswerIsScannedWithinABoundAndStaysText() {
        String text = "{ [ ".repeat(50_000) + "{\"name\": \"get_weather\", \"arguments\": {}}";

        // The scan stops after a bounded number of attempts, so the call at the very end is not reached: text, never a failure.
        assertThat(read(text)).isEqualTo(AssistantReply.text(text));
    }
}
