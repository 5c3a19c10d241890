package io.splitvisor.core.hypercall;

import io.splitvisor.abi.proto.BlockRequest;
import io.splitvisor.abi.proto.BlockResponse;
import io.splitvisor.abi.proto.PollRequest;
import io.splitvisor.abi.proto.PollResponse;
import io.splitvisor.abi.proto.ShutdownReason;
import io.splitvisor.abi.proto.ShutdownRequest;
import io.splitvisor.abi.proto.ShutdownResponse;
import io.splitvisor.abi.proto.Status;
import io.splitvisor.abi.proto.YieldRequest;
import io.splitvisor.abi.proto.YieldResponse;
import io.splitvisor.core.StatusException;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.evtchn.PortState;

/** Yield, block, shutdown and poll. Block and poll wait on the caller's own vCPU thread. */
final class SchedCalls {
    private SchedCalls() {
    }

    static void install(HypercallGate gate, Hypervisor hv) {
        gate.register("SchedYield", YieldRequest.class, (caller, req) -> {
            Thread.yield();
            return YieldResponse.getDefaultInstance();
        });
        gate.register("SchedBlock", BlockRequest.class, (caller, req) -> {
            if (!PlatformCalls.guest(caller).block()) {
                throw new StatusException(Status.STATUS_EINTR, "the domain is stopping");
            }
            return BlockResponse.getDefaultInstance();
        });
        gate.register("SchedShutdown", ShutdownRequest.class, (caller, req) -> {
            ShutdownReason reason = req.getReason();
            if (reason == ShutdownReason.UNRECOGNIZED) {
                throw new StatusException(Status.STATUS_EINVAL, "unknown shutdown reason " + req.getReasonValue());
            }
            hv.shutdown(caller, reason, req.getExitCode(), req.getMessage());
            return ShutdownResponse.getDefaultInstance();
        });
        gate.register("SchedPoll", PollRequest.class, (caller, req) -> {
            int[] ports = req.getPortsList().stream().mapToInt(Integer::intValue).toArray();
            for (int port : ports) {
                if (caller.ports().binding(port).state() == PortState.FREE) {
                    throw new StatusException(Status.STATUS_EBADF, "port " + port + " is not in use");
                }
            }
            long timeout = req.hasTimeoutNs() ? Math.max(0, Math.min(req.getTimeoutNs(), Long.MAX_VALUE / 2)) : -1;
            var ctx = PlatformCalls.guest(caller);
            boolean timedOut = ctx.poll(ports, timeout);
            if (!timedOut && ctx.stopRequested()) {
                throw new StatusException(Status.STATUS_EINTR, "the domain is stopping");
            }
            return PollResponse.newBuilder().setTimedOut(timedOut).build();
        });
    }
}
