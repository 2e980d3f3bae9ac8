package sai.gateway.exchange;

/** What identifies one answer across its parts on every surface: its id, when it was created, the resolved catalog model. */
public record Envelope(String id, long created, String model) {
}
