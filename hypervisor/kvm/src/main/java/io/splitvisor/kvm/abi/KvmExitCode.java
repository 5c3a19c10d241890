package io.splitvisor.kvm.abi;

/** Values of {@code kvm_run.exit_reason} and related codes (checked against the header by {@code KvmAbiProbeTest}). */
public final class KvmExitCode {
    public static final int KVM_EXIT_UNKNOWN = 0;
    public static final int KVM_EXIT_EXCEPTION = 1;
    public static final int KVM_EXIT_IO = 2;
    public static final int KVM_EXIT_HYPERCALL = 3;
    public static final int KVM_EXIT_DEBUG = 4;
    public static final int KVM_EXIT_HLT = 5;
    public static final int KVM_EXIT_MMIO = 6;
    public static final int KVM_EXIT_IRQ_WINDOW_OPEN = 7;
    public static final int KVM_EXIT_SHUTDOWN = 8;
    public static final int KVM_EXIT_FAIL_ENTRY = 9;
    public static final int KVM_EXIT_INTR = 10;
    public static final int KVM_EXIT_SET_TPR = 11;
    public static final int KVM_EXIT_NMI = 16;
    public static final int KVM_EXIT_INTERNAL_ERROR = 17;
    public static final int KVM_EXIT_SYSTEM_EVENT = 24;

    public static final int KVM_EXIT_IO_IN = 0;
    public static final int KVM_EXIT_IO_OUT = 1;

    public static final int KVM_INTERNAL_ERROR_EMULATION = 1;
    public static final int KVM_INTERNAL_ERROR_SIMUL_EX = 2;
    public static final int KVM_INTERNAL_ERROR_DELIVERY_EV = 3;

    public static final int KVM_SYSTEM_EVENT_SHUTDOWN = 1;
    public static final int KVM_SYSTEM_EVENT_RESET = 2;
    public static final int KVM_SYSTEM_EVENT_CRASH = 3;

    public static final int KVM_CPUID_FLAG_SIGNIFCANT_INDEX = 1;

    private KvmExitCode() {
    }

    /** The macro name of an exit reason without its KVM_EXIT_ prefix, for details and logs. */
    public static String name(int exitReason) {
        for (java.lang.reflect.Field f : KvmExitCode.class.getFields()) {
            try {
                if (f.getName().startsWith("KVM_EXIT_") && !f.getName().startsWith("KVM_EXIT_IO_")
                        && f.getInt(null) == exitReason) {
                    return f.getName().substring("KVM_EXIT_".length());
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return "exit reason " + exitReason;
    }

    /** The name of an internal-error suberror. */
    public static String suberrorName(int suberror) {
        return switch (suberror) {
            case KVM_INTERNAL_ERROR_EMULATION -> "EMULATION (KVM could not emulate an instruction)";
            case KVM_INTERNAL_ERROR_SIMUL_EX -> "SIMUL_EX (an exception while delivering another)";
            case KVM_INTERNAL_ERROR_DELIVERY_EV -> "DELIVERY_EV (an event could not be delivered)";
            default -> "suberror " + suberror;
        };
    }
}
