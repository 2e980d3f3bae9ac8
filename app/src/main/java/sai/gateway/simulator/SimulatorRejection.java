package sai.gateway.simulator;

/**
 * A request the simulator refuses with 400 because it breaks the SAI contract. The message goes back
 * as the plain-text body, so a test that trips it sees exactly what the gateway got wrong.
 */
final class SimulatorRejection extends RuntimeException {

    SimulatorRejection(String message) {
        // No stack trace: this is an answer, not a failure of the simulator.
        super(message, null, false, false);
    }

    SimulatedResponse toResponse() {
        return SimulatedResponse.of(400, getMessage());
    }
}
