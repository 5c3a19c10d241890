package io.splitvisor.core.hypercall;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.proto.EvtchnAllocUnboundRequest;
import io.splitvisor.abi.proto.EvtchnAllocUnboundResponse;
import io.splitvisor.abi.proto.EvtchnBindInterdomainRequest;
import io.splitvisor.abi.proto.EvtchnBindInterdomainResponse;
import io.splitvisor.abi.proto.EvtchnBindVirqRequest;
import io.splitvisor.abi.proto.EvtchnBindVirqResponse;
import io.splitvisor.abi.proto.EvtchnCloseRequest;
import io.splitvisor.abi.proto.EvtchnCloseResponse;
import io.splitvisor.abi.proto.EvtchnSendRequest;
import io.splitvisor.abi.proto.EvtchnSendResponse;
import io.splitvisor.abi.proto.EvtchnStatusRequest;
import io.splitvisor.abi.proto.EvtchnUnmaskRequest;
import io.splitvisor.abi.proto.EvtchnUnmaskResponse;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.evtchn.EventChannels;

/** The event-channel hypercalls, over {@link EventChannels}. */
final class EvtchnCalls {
    private EvtchnCalls() {
    }

    static void install(HypercallGate gate, Hypervisor hv) {
        EventChannels ev = hv.events();
        gate.register("EvtchnAllocUnbound", EvtchnAllocUnboundRequest.class, (caller, req) ->
                EvtchnAllocUnboundResponse.newBuilder().setPort(ev.allocUnbound(caller, req.getRemoteDomid())).build());
        gate.register("EvtchnBindInterdomain", EvtchnBindInterdomainRequest.class, (caller, req) ->
                EvtchnBindInterdomainResponse.newBuilder()
                        .setLocalPort(ev.bindInterdomain(caller, req.getRemoteDomid(), req.getRemotePort())).build());
        gate.register("EvtchnSend", EvtchnSendRequest.class, (caller, req) -> {
            ev.send(caller, req.getPort());
            caller.meters().events().increment();
            return EvtchnSendResponse.getDefaultInstance();
        });
        gate.register("EvtchnClose", EvtchnCloseRequest.class, (caller, req) -> {
            ev.close(caller, req.getPort());
            return EvtchnCloseResponse.getDefaultInstance();
        });
        gate.register("EvtchnUnmask", EvtchnUnmaskRequest.class, (caller, req) -> {
            ev.unmask(caller, req.getPort());
            return EvtchnUnmaskResponse.getDefaultInstance();
        });
        gate.register("EvtchnStatus", EvtchnStatusRequest.class, (caller, req) ->
                ev.status(caller, req.hasDomid() ? req.getDomid() : AbiConstants.DOMID_SELF, req.getPort()));
        gate.register("EvtchnBindVirq", EvtchnBindVirqRequest.class, (caller, req) ->
                EvtchnBindVirqResponse.newBuilder().setPort(ev.bindVirq(caller, req.getVirqValue(), req.getVcpu())).build());
    }
}
