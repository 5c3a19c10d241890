package io.splitvisor.core.domain;

import io.splitvisor.engine.RegisterState;

import java.util.List;

/** Builds the crash report of a domain that is ending on its own vCPU thread. */
@FunctionalInterface
public interface CrashReporter {
    /** The exit code a crashed domain gets (the launcher exits with it). */
    int CRASH_EXIT_CODE = 125;

    CrashReport report(Domain domain, String reason, long faultAddress);

    /** Registers, no disassembly: for engines without a disassembler. */
    CrashReporter REGISTERS_ONLY = (domain, reason, faultAddress) -> {
        RegisterState state = domain.guest() == null ? null : domain.guest().vcpu().state();
        return new CrashReport(domain.domid(), domain.name(), reason, faultAddress, state, List.of());
    };
}
