package sai.gateway.translate;

import org.junit.jupiter.api.Test;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;
import sai.gateway.conversation.ChatMessage;
import sai.gateway.conversation.Role;
import sai.gateway.sai.SaiExecuteRequest;
import sai.gateway.sai.SaiExecuteRequest.SaiChatMessage;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** OpenAI messages to the body of CONTRACT.md section 1. */
class SaiRequestMapperTest {

    private static final long NOW = 1_732_240_000_000L;
    private static final String PREFIX =
            "Determine if the following context is required to solve the task in the user's input in the chat session: \"";

    @Test
    void leadingSystemAndDeveloperMessagesBecomeTheSystemInput() {
        SaiExecuteRequest body = map(
                msg(Role.SYSTEM, "You are terse."),
                msg(Role.DEVELOPER, "Answer in Spanish."),
                msg(Role.USER, "hi")).body();

        assertThat(body.inputs().system()).isEqualTo("You are terse.\n\nAnswer in Spanish.");
        assertThat(body.chatMessages()).extracting(SaiChatMessage::content).containsExactly("hi");
    }

    @Test
    void withoutSystemMessageTheSystemInputIsEmpty() {
        SaiExecuteRequest body = map(msg(Role.USER, "hi")).body();

        assertThat(body.inputs().system()).isEmpty();
        assertThat(body.inputs().user()).isEqualTo("hi");
        assertThat(body.inputs().tools()).isNull();
    }

    @Test
    void userInputIsTheLastUserMessageAndStaysInTheHistory() {
        SaiExecuteRequest body = map(
                msg(Role.SYSTEM, "sys"),
                msg(Role.USER, "first question"),
                msg(Role.ASSISTANT, "first answer"),
                msg(Role.USER, "second question"),
                msg(Role.ASSISTANT, "partial")).body();

        assertThat(body.inputs().user()).isEqualTo("second question");
        assertThat(body.chatMessages()).containsExactly(
                new SaiChatMessage("first question", "user", NOW),
                new SaiChatMessage("first answer", "assistant", NOW + 1),
                new SaiChatMessage("second question", "user", NOW + 2),
                new SaiChatMessage("partial", "assistant", NOW + 3));
    }

    @Test
    void toolMessagesKeepTheirRoleAndIdsCountFromTheFirstHistoryMessage() {
        SaiExecuteRequest body = map(
                msg(Role.USER, "weather?"),
                msg(Role.ASSISTANT, ""),
                msg(Role.TOOL, "{\"temp\":21}"),
                msg(Role.USER, "thanks")).body();

        assertThat(body.chatMessages()).extracting(SaiChatMessage::role).containsExactly("user", "assistant", "tool", "user");
        assertThat(body.chatMessages()).extracting(SaiChatMessage::id).containsExactly(NOW, NOW + 1, NOW + 2, NOW + 3);
    }

    @Test
    void aLateSystemMessageIsSentAsUser() {
        SaiExecuteRequest body = map(
                msg(Role.SYSTEM, "first"),
                msg(Role.USER, "hi"),
                msg(Role.SYSTEM, "late instruction"),
                msg(Role.DEVELOPER, "late developer")).body();

        assertThat(body.inputs().system()).isEqualTo("first");
        assertThat(body.chatMessages()).extracting(SaiChatMessage::role).containsExactly("user", "user", "user");
        assertThat(body.chatMessages()).extracting(SaiChatMessage::content).containsExactly("hi", "late instruction", "late developer");
        // Only a real user message is the user input.
        assertThat(body.inputs().user()).isEqualTo("hi");
    }

    @Test
    void onlyInstructionsLeaveNoHistory() {
        SaiExecuteRequest body = map(msg(Role.SYSTEM, "sys")).body();

        assertThat(body.chatMessages()).isNull();
        assertThat(body.inputs().user()).isEmpty();
    }

    @Test
    void pluginWrappedMessageIsUnwrapped() {
        String wrapped = PREFIX + "How do I sort a list?" + "\"\nContext: file Main.java\nclass Main {}";

        SaiRequestMapper.Mapped mapped = map(msg(Role.USER, wrapped));

        assertThat(mapped.unwrappedPluginMessages()).isEqualTo(1);
        assertThat(mapped.body().inputs().user()).isEqualTo("How do I sort a list?");
        assertThat(mapped.body().chatMessages()).extracting(SaiChatMessage::content).containsExactly("How do I sort a list?");
    }

    @Test
    void originalMayItselfContainQuotesAndLineBreaks() {
        String original = "Why does \"x\" fail?\nIt says: error";
        SaiRequestMapper.Mapped mapped = map(msg(Role.USER, PREFIX + original + "\"\nContext:\n..."));

        assertThat(mapped.body().inputs().user()).isEqualTo(original);
    }

    @Test
    void prefixWithoutContextMarkerStaysUnchanged() {
        String notWrapped = PREFIX + "How do I sort a list?\" and nothing else";

        SaiRequestMapper.Mapped mapped = map(msg(Role.USER, notWrapped));

        assertThat(mapped.unwrappedPluginMessages()).isZero();
        assertThat(mapped.body().inputs().user()).isEqualTo(notWrapped);
    }

    @Test
    void markerWithoutPrefixStaysUnchanged() {
        String text = "Explain this:\"\nContext: something";

        SaiRequestMapper.Mapped mapped = map(msg(Role.USER, text));

        assertThat(mapped.unwrappedPluginMessages()).isZero();
        assertThat(mapped.body().inputs().user()).isEqualTo(text);
    }

    @Test
    void everyWrappedMessageInTheHistoryIsCounted() {
        SaiRequestMapper.Mapped mapped = map(
                msg(Role.USER, PREFIX + "one\"\nContext: a"),
                msg(Role.ASSISTANT, "ok"),
                msg(Role.USER, PREFIX + "two\"\nContext: b"));

        assertThat(mapped.unwrappedPluginMessages()).isEqualTo(2);
        assertThat(mapped.body().chatMessages()).extracting(SaiChatMessage::content).containsExactly("one", "ok", "two");
    }

    @Test
    void tokenEstimateIsCharactersOverFourRoundedUp() {
        // system "abcd" (4) + history "abcde" (5) = 9 characters -> 3 tokens
        SaiRequestMapper.Mapped mapped = map(msg(Role.SYSTEM, "abcd"), msg(Role.USER, "abcde"));

        assertThat(mapped.characters()).isEqualTo(9);
        assertThat(mapped.estimatedTokens()).isEqualTo(3);
        assertThat(map(msg(Role.USER, "abcd")).estimatedTokens()).isEqualTo(1);
        assertThat(map(msg(Role.USER, "abcdefgh")).estimatedTokens()).isEqualTo(2);
        assertThat(map(msg(Role.USER, "abcdefghi")).estimatedTokens()).isEqualTo(3);
        assertThat(map(msg(Role.USER, "x".repeat(512_001))).estimatedTokens()).isEqualTo(128_001);
    }

    @Test
    void tokenEstimateCountsTheUnwrappedTextNotTheWrapper() {
        SaiRequestMapper.Mapped mapped = map(msg(Role.USER, PREFIX + "12345678\"\nContext: " + "x".repeat(1000)));

        assertThat(mapped.estimatedTokens()).isEqualTo(2);
    }

    @Test
    void budgetRefusesOnlyAboveTheLimit() {
        ContextBudget.enforce(128_000, 128_000);
        assertThatThrownBy(() -> ContextBudget.enforce(128_001, 128_000))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONTEXT_LENGTH_EXCEEDED));
    }

    private static SaiRequestMapper.Mapped map(ChatMessage... messages) {
        return SaiRequestMapper.map(List.of(messages), NOW);
    }

    private static ChatMessage msg(Role role, String content) {
        return new ChatMessage(role, content);
    }
}
