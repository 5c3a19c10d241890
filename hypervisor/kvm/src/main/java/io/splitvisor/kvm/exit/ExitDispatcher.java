package io.splitvisor.kvm.exit;

import io.splitvisor.engine.Exit;
import io.splitvisor.engine.ExitReason;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.GuestMemoryException;
import io.splitvisor.kvm.abi.KvmExitCode;
import io.splitvisor.kvm.abi.KvmRun;
import java.nio.ByteBuffer;

/**
 * Turns the exit KVM left in {@code kvm_run} into the engine interface's {@link Exit}, or into "go on" (null) for
 * exits the engine handles itself: an open interrupt window, an interrupted KVM_RUN, a HLT with an interrupt ready
 * to deliver, and an access to RAM that has no memory slot at the moment (performed on the guest memory).
 */
public final class ExitDispatcher {
    private final ByteBuffer run;
    private final GuestMemory memory;
    private final PortIo portIo;
    private final InterruptQueue interrupts;
    private boolean mmioReadPending;

    public ExitDispatcher(ByteBuffer run, GuestMemory memory, PortIo portIo, InterruptQueue interrupts) {
        this.run = run;
        this.memory = memory;
        this.portIo = portIo;
        this.interrupts = interrupts;
    }

    /** The exit to report for the kvm_run contents after a successful KVM_RUN, or null to re-enter the guest. */
    public Exit dispatch(Exit exit, boolean batchStrings) {
        mmioReadPending = false;
        int reason = run.getInt(KvmRun.EXIT_REASON);
        switch (reason) {
            case KvmExitCode.KVM_EXIT_IO -> {
                boolean in = run.get(KvmRun.IO_DIRECTION) == KvmExitCode.KVM_EXIT_IO_IN;
                int size = run.get(KvmRun.IO_SIZE) & 0xFF;
                int count = run.getInt(KvmRun.IO_COUNT);
                long offset = run.getLong(KvmRun.IO_DATA_OFFSET);
                if (size != 1 && size != 2 && size != 4 || count < 1 || offset < 0
                        || offset + (long) count * size > run.capacity()) {
                    return exit.simple(ExitReason.INTERNAL_ERROR).withDetail(String.format(
                            "KVM reported port I/O with size %d, count %d at data offset 0x%x outside the %d-byte "
                                    + "vCPU mapping", size, count, offset, run.capacity()));
                }
                portIo.begin(in, run.getShort(KvmRun.IO_PORT) & 0xFFFF, size, count, (int) offset);
                return portIo.reportNext(exit, batchStrings);
            }
            case KvmExitCode.KVM_EXIT_MMIO -> {
                return mmio(exit);
            }
            case KvmExitCode.KVM_EXIT_HLT -> {
                return interruptDeliverable() ? null : exit.simple(ExitReason.HLT);
            }
            case KvmExitCode.KVM_EXIT_IRQ_WINDOW_OPEN, KvmExitCode.KVM_EXIT_INTR -> {
                return null;
            }
            case KvmExitCode.KVM_EXIT_SHUTDOWN -> {
                return exit.shutdown(-1, 0, "KVM_EXIT_SHUTDOWN: triple fault");
            }
            case KvmExitCode.KVM_EXIT_FAIL_ENTRY -> {
                long hw = run.getLong(KvmRun.FAIL_ENTRY_HARDWARE_ENTRY_FAILURE_REASON);
                return exit.simple(ExitReason.FAIL_ENTRY).withDetail(String.format(
                        "KVM_EXIT_FAIL_ENTRY: hardware_entry_failure_reason 0x%x on host CPU %d", hw,
                        run.getInt(KvmRun.FAIL_ENTRY_CPU)));
            }
            case KvmExitCode.KVM_EXIT_INTERNAL_ERROR -> {
                return exit.simple(ExitReason.INTERNAL_ERROR).withDetail(internalError());
            }
            case KvmExitCode.KVM_EXIT_SYSTEM_EVENT -> {
                return exit.shutdown(-1, 0, "KVM_EXIT_SYSTEM_EVENT type " + run.getInt(KvmRun.SYSTEM_EVENT_TYPE));
            }
            case KvmExitCode.KVM_EXIT_UNKNOWN -> {
                return exit.simple(ExitReason.INTERNAL_ERROR).withDetail(String.format(
                        "KVM_EXIT_UNKNOWN: hardware_exit_reason 0x%x", run.getLong(KvmRun.HW_HARDWARE_EXIT_REASON)));
            }
            case KvmExitCode.KVM_EXIT_EXCEPTION -> {
                return exit.simple(ExitReason.INTERNAL_ERROR).withDetail(String.format(
                        "KVM_EXIT_EXCEPTION: vector %d, error code 0x%x", run.getInt(KvmRun.EX_EXCEPTION),
                        run.getInt(KvmRun.EX_ERROR_CODE)));
            }
            default -> {
                return exit.simple(ExitReason.INTERNAL_ERROR).withDetail("unexpected KVM exit "
                        + KvmExitCode.name(reason) + " (" + reason + ")");
            }
        }
    }

    /** The host's data for the MMIO read last reported; false if none is waiting. */
    public boolean completeMmioRead(long data) {
        if (!mmioReadPending) {
            return false;
        }
        mmioReadPending = false;
        int len = run.getInt(KvmRun.MMIO_LEN);
        for (int i = 0; i < 8; i++) {
            run.put(KvmRun.MMIO_DATA + i, i < len ? (byte) (data >>> (8 * i)) : 0);
        }
        return true;
    }

    /** An interrupt is queued, its priority beats CR8, and the guest can take it now (IF set, no shadow). */
    public boolean interruptDeliverable() {
        int v = interrupts.highest();
        return v >= 0 && InterruptQueue.beatsTpr(v, run.getLong(KvmRun.CR8))
                && run.get(KvmRun.READY_FOR_INTERRUPT_INJECTION) != 0 && run.get(KvmRun.IF_FLAG) != 0;
    }

    private Exit mmio(Exit exit) {
        long gpa = run.getLong(KvmRun.MMIO_PHYS_ADDR);
        int len = run.getInt(KvmRun.MMIO_LEN);
        boolean write = run.get(KvmRun.MMIO_IS_WRITE) != 0;
        if (len < 1 || len > 8) {
            return exit.simple(ExitReason.INTERNAL_ERROR).withDetail("KVM reported an MMIO access of " + len
                    + " bytes at 0x" + Long.toHexString(gpa));
        }
        if (memory.isRamRange(gpa, len)) {
            return ramWithoutSlot(exit, gpa, len, write);
        }
        if (write) {
            long v = 0;
            for (int i = len - 1; i >= 0; i--) {
                v = v << 8 | (run.get(KvmRun.MMIO_DATA + i) & 0xFF);
            }
            return exit.mmio(false, gpa, len, v);
        }
        mmioReadPending = true;
        return exit.mmio(true, gpa, len, 0);
    }

    /** RAM outside every slot (a mapped page beyond the slot limit): do the access on the guest memory. */
    private Exit ramWithoutSlot(Exit exit, long gpa, int len, boolean write) {
        try {
            for (int i = 0; i < len; i++) {
                if (write) {
                    memory.writeU8(gpa + i, run.get(KvmRun.MMIO_DATA + i));
                } else {
                    run.put(KvmRun.MMIO_DATA + i, (byte) memory.readU8(gpa + i));
                }
            }
            return null;
        } catch (GuestMemoryException e) {
            return exit.simple(ExitReason.INTERNAL_ERROR).withDetail("access to RAM page 0x"
                    + Long.toHexString(gpa) + " without a memory slot failed: " + e.getMessage());
        }
    }

    private String internalError() {
        int sub = run.getInt(KvmRun.INTERNAL_SUBERROR);
        int n = Math.min(run.getInt(KvmRun.INTERNAL_NDATA), KvmRun.INTERNAL_DATA_ENTRIES);
        StringBuilder b = new StringBuilder("KVM_EXIT_INTERNAL_ERROR: suberror ").append(sub).append(' ')
                .append(KvmExitCode.suberrorName(sub));
        for (int i = 0; i < Math.max(n, 0); i++) {
            b.append(i == 0 ? ", data" : "").append(" 0x").append(Long.toHexString(run.getLong(KvmRun.INTERNAL_DATA + 8 * i)));
        }
        return b.toString();
    }
}
