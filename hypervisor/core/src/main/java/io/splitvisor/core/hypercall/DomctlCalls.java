package io.splitvisor.core.hypercall;

import io.splitvisor.abi.proto.DomainCreateRequest;
import io.splitvisor.abi.proto.DomainCreateResponse;
import io.splitvisor.abi.proto.DomainDestroyRequest;
import io.splitvisor.abi.proto.DomainDestroyResponse;
import io.splitvisor.abi.proto.DomainInfo;
import io.splitvisor.abi.proto.DomainInfoRequest;
import io.splitvisor.abi.proto.DomainInfoResponse;
import io.splitvisor.abi.proto.DomainListRequest;
import io.splitvisor.abi.proto.DomainListResponse;
import io.splitvisor.abi.proto.DomainPauseRequest;
import io.splitvisor.abi.proto.DomainPauseResponse;
import io.splitvisor.abi.proto.DomainUnpauseRequest;
import io.splitvisor.abi.proto.DomainUnpauseResponse;
import io.splitvisor.abi.proto.EngineKind;
import io.splitvisor.abi.proto.ShutdownReason;
import io.splitvisor.abi.proto.Status;
import io.splitvisor.core.StatusException;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.DomainConfig;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.domain.ShutdownInfo;
import io.splitvisor.core.loader.GuestImageException;

import java.nio.file.Path;

/** Domain control for privileged domains (the gate refuses these to others with EPERM). */
final class DomctlCalls {
    private static final int LIST_MAX = 32;

    private DomctlCalls() {
    }

    static void install(HypercallGate gate, Hypervisor hv) {
        gate.register("DomainCreate", DomainCreateRequest.class, (caller, req) -> {
            String engine = switch (req.getEngine()) {
                case ENGINE_INTERP -> "interp";
                case ENGINE_KVM -> "kvm";
                default -> "auto";
            };
            DomainConfig config = new DomainConfig(req.getName().isEmpty() ? "guest" : req.getName(), Path.of(req.getKernel()),
                    req.getMemoryBytes(), req.getCmdline(), engine, false);
            try {
                Domain d = hv.createGuest(config);
                if (!req.getStartPaused()) {
                    hv.start(d);
                }
                return DomainCreateResponse.newBuilder().setDomid(d.domid()).build();
            } catch (GuestImageException e) {
                Status status = e.getMessage().startsWith("no such file") ? Status.STATUS_ENOENT : Status.STATUS_EINVAL;
                throw new StatusException(status, e.getMessage());
            }
        });
        gate.register("DomainDestroy", DomainDestroyRequest.class, (caller, req) -> {
            Domain d = target(hv, caller, req.getDomid());
            hv.destroy(d);
            return DomainDestroyResponse.getDefaultInstance();
        });
        gate.register("DomainPause", DomainPauseRequest.class, (caller, req) -> {
            hv.pause(target(hv, caller, req.getDomid()));
            return DomainPauseResponse.getDefaultInstance();
        });
        gate.register("DomainUnpause", DomainUnpauseRequest.class, (caller, req) -> {
            hv.unpause(target(hv, caller, req.getDomid()));
            return DomainUnpauseResponse.getDefaultInstance();
        });
        gate.register("DomainInfo", DomainInfoRequest.class, (caller, req) -> {
            Domain d = hv.domain(req.getDomid());
            if (d == null) {
                throw new StatusException(Status.STATUS_ESRCH, "no domain " + req.getDomid());
            }
            return DomainInfoResponse.newBuilder().setInfo(info(d)).build();
        });
        gate.register("DomainList", DomainListRequest.class, (caller, req) -> {
            DomainListResponse.Builder rsp = DomainListResponse.newBuilder();
            for (Domain d : hv.domains()) {
                if (d.domid() < req.getFirstDomid()) {
                    continue;
                }
                if (rsp.getDomainsCount() == LIST_MAX) {
                    rsp.setMore(true);
                    break;
                }
                rsp.addDomains(info(d));
            }
            return rsp.build();
        });
    }

    /** A domain another domain may control: it exists, and it is neither dom0 nor the caller's own. */
    private static Domain target(Hypervisor hv, Domain caller, int domid) {
        Domain d = hv.domain(domid);
        if (d == null || d.guest() == null) {
            throw new StatusException(Status.STATUS_ESRCH, "no guest domain " + domid);
        }
        if (d == hv.dom0() || d == caller) {
            throw new StatusException(Status.STATUS_EPERM, "domain " + domid + " cannot be controlled by domain " + caller.domid());
        }
        return d;
    }

    static DomainInfo info(Domain d) {
        ShutdownInfo end = d.shutdownInfo();
        return DomainInfo.newBuilder()
                .setDomid(d.domid())
                .setName(d.name().length() > 64 ? d.name().substring(0, 64) : d.name())
                .setState(d.status().abi())
                .setMemoryBytes(d.memoryBytes())
                .setVcpus(d.guest() == null ? 0 : 1)
                .setCpuTimeNs(d.guest() == null ? 0 : d.guest().cpuTimeNanos())
                .setShutdownReason(end == null ? ShutdownReason.SHUTDOWN_POWEROFF : end.reason())
                .setExitCode(end == null ? 0 : end.exitCode())
                .setPrivileged(d.privileged())
                .setEngine(d.guest() == null ? EngineKind.ENGINE_DEFAULT
                        : "kvm".equals(d.guest().engineName()) ? EngineKind.ENGINE_KVM : EngineKind.ENGINE_INTERP)
                .build();
    }
}
