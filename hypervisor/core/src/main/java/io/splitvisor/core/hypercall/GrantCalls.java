package io.splitvisor.core.hypercall;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.proto.GrantCopyOp;
import io.splitvisor.abi.proto.GrantCopyRequest;
import io.splitvisor.abi.proto.GrantCopyResponse;
import io.splitvisor.abi.proto.GrantMapRequest;
import io.splitvisor.abi.proto.GrantMapResponse;
import io.splitvisor.abi.proto.GrantQuerySizeRequest;
import io.splitvisor.abi.proto.GrantQuerySizeResponse;
import io.splitvisor.abi.proto.GrantUnmapRequest;
import io.splitvisor.abi.proto.GrantUnmapResponse;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.grant.Grants;
import io.splitvisor.core.memory.GuestPhysicalMap;

/** The grant-table hypercalls, over {@link Grants}. */
final class GrantCalls {
    private GrantCalls() {
    }

    static void install(HypercallGate gate, Hypervisor hv) {
        Grants grants = hv.grants();
        gate.register("GrantQuerySize", GrantQuerySizeRequest.class, (caller, req) ->
                GrantQuerySizeResponse.newBuilder().setFrames(GuestPhysicalMap.GRANT_FRAMES)
                        .setMaxFrames(GuestPhysicalMap.GRANT_FRAMES)
                        .setEntriesPerFrame(AbiConstants.GRANT_ENTRIES_PER_PAGE).build());
        gate.register("GrantMap", GrantMapRequest.class, (caller, req) -> {
            hv.meters().grantOperations("map").increment();
            return GrantMapResponse.newBuilder()
                    .setHandle(grants.mapIntoGuest(caller, req.getDomid(), req.getRef(), req.getGuestAddr(), req.getReadonly()))
                    .build();
        });
        gate.register("GrantUnmap", GrantUnmapRequest.class, (caller, req) -> {
            hv.meters().grantOperations("unmap").increment();
            grants.unmap(caller, req.getHandle());
            return GrantUnmapResponse.getDefaultInstance();
        });
        gate.register("GrantCopy", GrantCopyRequest.class, (caller, req) -> {
            GrantCopyResponse.Builder rsp = GrantCopyResponse.newBuilder();
            for (GrantCopyOp op : req.getOpsList()) {
                hv.meters().grantOperations("copy").increment();
                rsp.addStatus(grants.copy(caller, op));
            }
            return rsp.build();
        });
    }
}
