package io.splitvisor.core.hypercall;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.proto.ConsoleReadRequest;
import io.splitvisor.abi.proto.ConsoleReadResponse;
import io.splitvisor.abi.proto.ConsoleWriteRequest;
import io.splitvisor.abi.proto.ConsoleWriteResponse;
import io.splitvisor.abi.proto.GetTimeRequest;
import io.splitvisor.abi.proto.GetTimeResponse;
import io.splitvisor.abi.proto.MemoryReservationRequest;
import io.splitvisor.abi.proto.MemoryReservationResponse;
import io.splitvisor.abi.proto.SetTimerRequest;
import io.splitvisor.abi.proto.SetTimerResponse;
import io.splitvisor.abi.proto.SetUpcallVectorRequest;
import io.splitvisor.abi.proto.SetUpcallVectorResponse;
import io.splitvisor.abi.proto.Status;
import io.splitvisor.abi.proto.VersionRequest;
import io.splitvisor.abi.proto.VersionResponse;
import io.splitvisor.abi.proto.Virq;
import io.splitvisor.core.StatusException;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.GuestContext;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.domain.SplitvisorCpuid;

import com.google.protobuf.ByteString;

/** Version, console, memory, upcall and time hypercalls. */
final class PlatformCalls {
    static final String BUILD = "splitvisor " + AbiConstants.ABI_MAJOR + "." + AbiConstants.ABI_MINOR;
    private static final int CONSOLE_MAX = 1024;

    private PlatformCalls() {
    }

    static void install(HypercallGate gate, Hypervisor hv) {
        gate.register("Version", VersionRequest.class, (caller, req) -> VersionResponse.newBuilder()
                .setAbiMajor(AbiConstants.ABI_MAJOR).setAbiMinor(AbiConstants.ABI_MINOR)
                .setFeatures(SplitvisorCpuid.FEATURES).setBuild(BUILD).setPageSize(AbiConstants.PAGE_SIZE).build());

        gate.register("ConsoleWrite", ConsoleWriteRequest.class, (caller, req) -> {
            byte[] data = req.getData().toByteArray();
            caller.console().write(data, 0, data.length);
            return ConsoleWriteResponse.newBuilder().setWritten(data.length).build();
        });
        gate.register("ConsoleRead", ConsoleReadRequest.class, (caller, req) -> {
            byte[] data = caller.readConsoleInput(Math.min(req.getMaxBytes(), CONSOLE_MAX));
            return ConsoleReadResponse.newBuilder().setData(ByteString.copyFrom(data)).build();
        });

        gate.register("MemoryReservation", MemoryReservationRequest.class, (caller, req) ->
                MemoryReservationResponse.newBuilder().setPages(caller.memoryBytes() >>> AbiConstants.PAGE_SHIFT)
                        .setMaxPages(caller.memoryBytes() >>> AbiConstants.PAGE_SHIFT).build());

        gate.register("SetUpcallVector", SetUpcallVectorRequest.class, (caller, req) -> {
            int vector = req.getVector();
            if (vector != 0 && (vector < 32 || vector > 255)) {
                throw new StatusException(Status.STATUS_EINVAL, "upcall vector " + vector + " is not 0 or 32-255");
            }
            guest(caller).setUpcallVector(vector);
            return SetUpcallVectorResponse.getDefaultInstance();
        });

        gate.register("SetTimer", SetTimerRequest.class, (caller, req) -> {
            if (req.getDeadlineNs() == 0) {
                hv.timers().cancel(caller.domid());
            } else {
                long delay = req.getDeadlineNs() - caller.uptimeNanos();
                hv.timers().set(caller.domid(), delay, () -> hv.events().raiseVirq(caller, Virq.VIRQ_TIMER_VALUE));
            }
            return SetTimerResponse.getDefaultInstance();
        });
        gate.register("GetTime", GetTimeRequest.class, (caller, req) -> {
            java.time.Instant wall = java.time.Instant.now();
            return GetTimeResponse.newBuilder().setMonotonicNs(caller.uptimeNanos())
                    .setWallSec(wall.getEpochSecond()).setWallNsec(wall.getNano()).build();
        });
    }

    static GuestContext guest(Domain caller) {
        GuestContext ctx = caller.guest();
        if (ctx == null) {
            throw new StatusException(Status.STATUS_EINVAL, caller + " has no vCPU");
        }
        return ctx;
    }
}
