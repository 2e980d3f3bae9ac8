package sai.gateway.anthropic;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** The events of a streamed Messages API answer; each is sent under an {@code event:} line naming its {@code type}. */
public final class StreamEvents {

    public static final String MESSAGE_START = "message_start";
    public static final String CONTENT_BLOCK_START = "content_block_start";
    public static final String CONTENT_BLOCK_DELTA = "content_block_delta";
    public static final String CONTENT_BLOCK_STOP = "content_block_stop";
    public static final String MESSAGE_DELTA = "message_delta";
    public static final String MESSAGE_STOP = "message_stop";
    public static final String PING = "ping";
    public static final String ERROR = "error";

    private StreamEvents() {
    }

    @Serdeable
    public record MessageStart(String type, MessageObject message) {
        public static MessageStart of(MessageObject message) {
            return new MessageStart(MESSAGE_START, message);
        }
    }

    /** {@code content_block} is a text block with empty text, or a tool_use block with empty {@code input}. */
    @Serdeable
    public record ContentBlockStart(String type, int index, @JsonProperty("content_block") Object contentBlock) {
        public static ContentBlockStart of(int index, Object block) {
            return new ContentBlockStart(CONTENT_BLOCK_START, index, block);
        }
    }

    @Serdeable
    public record ContentBlockDelta(String type, int index, Object delta) {
        public static ContentBlockDelta of(int index, Object delta) {
            return new ContentBlockDelta(CONTENT_BLOCK_DELTA, index, delta);
        }
    }

    @Serdeable
    public record TextDelta(String type, String text) {
        public static TextDelta of(String text) {
            return new TextDelta("text_delta", text);
        }
    }

    @Serdeable
    public record InputJsonDelta(String type, @JsonProperty("partial_json") String partialJson) {
        public static InputJsonDelta of(String json) {
            return new InputJsonDelta("input_json_delta", json);
        }
    }

    @Serdeable
    public record ContentBlockStop(String type, int index) {
        public static ContentBlockStop of(int index) {
            return new ContentBlockStop(CONTENT_BLOCK_STOP, index);
        }
    }

    /** Usage totals at the end (cumulative, as Anthropic's: clients overwrite rather than add). */
    @Serdeable
    public record MessageDelta(String type, Stop delta, MessageObject.Usage usage) {
        public static MessageDelta of(Stop stop, MessageObject.Usage usage) {
            return new MessageDelta(MESSAGE_DELTA, stop, usage);
        }
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Stop(@JsonProperty("stop_reason") String stopReason, @JsonProperty("stop_sequence") @Nullable String stopSequence) {
    }

    /** {@code message_stop} and {@code ping}: nothing but their type. */
    @Serdeable
    public record Bare(String type) {
    }
}
