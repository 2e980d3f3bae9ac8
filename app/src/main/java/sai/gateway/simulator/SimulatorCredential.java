package sai.gateway.simulator;

import io.micronaut.core.annotation.Nullable;

/**
 * The one credential a call carried. SAI takes either {@code X-Api-Key} or {@code Cookie}; the gateway
 * must never send both, so the simulator refuses that outright rather than guessing which one counts.
 *
 * @param header the header it came in ({@code X-Api-Key} or {@code Cookie})
 * @param value  the raw value; never logged
 */
record SimulatorCredential(String header, String value) {

    static final String API_KEY_HEADER = "X-Api-Key";
    static final String COOKIE_HEADER = "Cookie";

    static SimulatorCredential from(@Nullable String apiKey, @Nullable String cookie) {
        boolean hasKey = apiKey != null && !apiKey.isBlank();
        boolean hasCookie = cookie != null && !cookie.isBlank();
        if (hasKey && hasCookie) {
            throw new SimulatorRejection("Both X-Api-Key and Cookie were sent; SAI expects exactly one of them.");
        }
        if (!hasKey && !hasCookie) {
            throw new SimulatorRejection("No credential: send exactly one of X-Api-Key or Cookie.");
        }
        return hasKey ? new SimulatorCredential(API_KEY_HEADER, apiKey.trim()) : new SimulatorCredential(COOKIE_HEADER, cookie);
    }

    /**
     * Keys are matched whole; cookies are searched, because a session cookie string carries several
     * name=value pairs and the trigger may sit in any of them.
     */
    boolean carries(String trigger) {
        return header.equals(API_KEY_HEADER) ? value.equals(trigger) : value.contains(trigger);
    }

    @Override
    public String toString() {
        return header + "[length=" + value.length() + "]";
    }
}
