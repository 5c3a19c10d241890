package io.splitvisor.core.domain;

import io.splitvisor.engine.Gpr;
import io.splitvisor.engine.RegisterState;

import java.util.List;

/**
 * Why a domain crashed, with what a person needs to find the bug: the reason, the faulting
 * address, the registers and the instructions around the fault, disassembled.
 *
 * @param domid        the domain
 * @param name         its name
 * @param reason       one line, e.g. "page fault at 0x0 (read, not present)"
 * @param faultAddress the faulting address, or -1 when there is none
 * @param registers    the register state at the fault, or null when unknown
 * @param instructions disassembly lines, the faulting one marked, possibly empty
 */
public record CrashReport(int domid, String name, String reason, long faultAddress, RegisterState registers,
                          List<String> instructions) {

    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("domain %d (%s) crashed: %s%n", domid, name, reason));
        if (faultAddress >= 0) {
            out.append(String.format("  fault address: 0x%x%n", faultAddress));
        }
        if (registers != null) {
            RegisterState r = registers;
            out.append(String.format("  rip: 0x%016x  rflags: 0x%08x  cr2: 0x%x  cr3: 0x%x%n", r.rip, r.rflags, r.cr2, r.cr3));
            Gpr[] gprs = Gpr.values();
            for (int i = 0; i < gprs.length; i += 4) {
                out.append(' ');
                for (int j = i; j < i + 4; j++) {
                    out.append(String.format(" %-3s: 0x%016x", gprs[j].asmName(), r.get(gprs[j])));
                }
                out.append(System.lineSeparator());
            }
        }
        if (!instructions.isEmpty()) {
            out.append("  code:").append(System.lineSeparator());
            for (String line : instructions) {
                out.append("    ").append(line).append(System.lineSeparator());
            }
        }
        return out.toString();
    }
}
