package io.splitvisor.core.evtchn;

import io.splitvisor.abi.proto.EvtchnState;

/** What a port is bound to; the numbers are Xen's EVTCHNSTAT values. */
public enum PortState {
    FREE(EvtchnState.EVTCHN_STATE_CLOSED),
    UNBOUND(EvtchnState.EVTCHN_STATE_UNBOUND),
    INTERDOMAIN(EvtchnState.EVTCHN_STATE_INTERDOMAIN),
    VIRQ(EvtchnState.EVTCHN_STATE_VIRQ);

    private final EvtchnState abi;

    PortState(EvtchnState abi) {
        this.abi = abi;
    }

    public EvtchnState abi() {
        return abi;
    }
}
