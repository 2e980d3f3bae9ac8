package sai.gateway.simulator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the simulator has decided to answer, before any HTTP is involved, so the decision can be
 * reasoned about (and tested) apart from the controller.
 *
 * @param status  HTTP status SAI would send
 * @param body    the body exactly as SAI would send it; empty for an empty answer
 * @param headers extra response headers (usage, model, Retry-After)
 * @param delay   how long to hold the answer back
 */
record SimulatedResponse(int status, String body, Map<String, String> headers, Duration delay) {

    SimulatedResponse {
        headers = Map.copyOf(headers);
    }

    static SimulatedResponse of(int status, String body) {
        return new SimulatedResponse(status, body, Map.of(), Duration.ZERO);
    }

    SimulatedResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new SimulatedResponse(status, body, copy, delay);
    }

    SimulatedResponse delayedBy(Duration by) {
        return new SimulatedResponse(status, body, headers, by);
    }
}
