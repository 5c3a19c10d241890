package io.splitvisor.toolstack.cli;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.HypercallTable;
import io.splitvisor.abi.layout.AbiLayouts;
import io.splitvisor.abi.layout.Layout;
import io.splitvisor.abi.layout.SharedRing;

import java.io.PrintWriter;
import java.util.Map;

/** A readable summary of the guest ABI: ports, CPUID, hypercalls and page layouts. */
final class AbiSummary {
    private AbiSummary() {
    }

    static void print(PrintWriter out) {
        out.printf("Splitvisor guest ABI %d.%d%n%n", AbiConstants.ABI_MAJOR, AbiConstants.ABI_MINOR);
        out.println("Ports");
        out.printf("  0x%04X  hypercall gate: 32-bit OUT of a hypercall frame's guest-physical address%n", AbiConstants.HYPERCALL_PORT);
        out.printf("  0x%04X  doorbell: 32-bit OUT of an event-channel port sends on it%n", AbiConstants.DOORBELL_PORT);
        out.printf("  0x%04X  debug console: each byte written goes to the domain's log%n", AbiConstants.DEBUG_CONSOLE_PORT);
        out.printf("  0x%04X  debug exit: the value written ends the domain with that exit code%n%n", AbiConstants.DEBUG_EXIT_PORT);
        out.println("CPUID");
        out.printf("  0x%08X  signature \"%s\", highest leaf 0x%08X%n", AbiConstants.CPUID_LEAF_SIGNATURE,
                AbiConstants.CPUID_SIGNATURE, AbiConstants.CPUID_LEAF_MAX);
        out.printf("  0x%08X  ABI version, feature bits, vCPU id%n", AbiConstants.CPUID_LEAF_VERSION);
        out.printf("  0x%08X  hypercall and doorbell ports, start-info address%n%n", AbiConstants.CPUID_LEAF_PLATFORM);
        HypercallTable table = HypercallTable.get();
        out.printf("Hypercalls (%d)%n", table.size());
        for (HypercallTable.Op op : table.ops()) {
            out.printf("  0x%02X  %-22s %-32s -> %s%s%n", op.number(), op.name(), op.requestType().getName(),
                    op.responseType().getName(), op.privileged() ? "  [dom0]" : "");
        }
        out.println();
        out.println("Shared page layouts");
        for (Layout layout : AbiLayouts.all()) {
            out.printf("  %-24s %5d bytes  %s%n", layout.name(), layout.size(), layout.doc());
        }
        out.println();
        out.println("Rings");
        for (Map.Entry<String, SharedRing> e : new java.util.TreeMap<>(AbiLayouts.RINGS).entrySet()) {
            out.printf("  %-10s %4d slots of %3d bytes%n", e.getKey(), e.getValue().slotCount(), e.getValue().slotSize());
        }
        out.flush();
    }
}
