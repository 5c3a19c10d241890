package io.splitvisor.x86.cpu;

/**
 * Thrown when an instruction must stop before completing so the hypervisor can supply data (IN, MMIO read).
 * The exit is already described in the vCPU's Exit; the instruction is re-executed on resume. Preallocated.
 */
public final class ExitSignal extends RuntimeException {
    public static final ExitSignal INSTANCE = new ExitSignal();

    private ExitSignal() {
        super(null, null, false, false);
    }
}
