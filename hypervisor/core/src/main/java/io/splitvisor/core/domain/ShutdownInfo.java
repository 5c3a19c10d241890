package io.splitvisor.core.domain;

import io.splitvisor.abi.proto.ShutdownReason;

/**
 * How a domain ended.
 *
 * @param reason   poweroff, reboot, crash...
 * @param exitCode the guest's exit code (for a crash, the code the guest or the hypervisor chose)
 * @param message  the guest's message or the crash summary
 * @param report   the full crash report, or null when the domain did not crash
 */
public record ShutdownInfo(ShutdownReason reason, int exitCode, String message, CrashReport report) {
    public boolean crashed() {
        return reason == ShutdownReason.SHUTDOWN_CRASH;
    }
}
