package sai.gateway.conversation;

/** The tools SAI can be made to call: functions with JSON arguments, and custom tools with free-form text input. */
public enum ToolKind {
    FUNCTION, CUSTOM
}
