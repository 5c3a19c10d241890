package io.splitvisor.core.hypercall;

import io.splitvisor.core.domain.Hypervisor;

/** Installs every hypercall family's handlers into a gate. */
public final class StandardHypercalls {
    private StandardHypercalls() {
    }

    public static void install(HypercallGate gate, Hypervisor hv) {
        PlatformCalls.install(gate, hv);
        SchedCalls.install(gate, hv);
        EvtchnCalls.install(gate, hv);
        GrantCalls.install(gate, hv);
        DomctlCalls.install(gate, hv);
        if (!gate.unhandled().isEmpty()) {
            throw new IllegalStateException("hypercalls without a handler: " + gate.unhandled());
        }
    }
}
