package io.splitvisor.kvm.abi;

import io.splitvisor.abi.testing.NativeToolchain;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden ABI test: every ioctl number, capability, exit code, structure size and field offset the binding uses is
 * computed by gcc from the system's {@code linux/kvm.h} in a probe program and compared with the Java constant.
 * A constant added to a descriptor class without an entry here fails the test.
 */
class KvmAbiProbeTest {
    private static final Path DIR = Path.of("target", "kvm-abi-probe");

    /** Java constant (Class.FIELD) to the C expression gcc must agree with. */
    private static Map<String, String> layoutExpressions() {
        Map<String, String> m = new LinkedHashMap<>();
        String run = "struct kvm_run";
        m.put("KvmRun.SIZE", "sizeof(struct kvm_run)");
        for (String[] f : new String[][] {{"REQUEST_INTERRUPT_WINDOW", "request_interrupt_window"},
                {"IMMEDIATE_EXIT", "immediate_exit"}, {"EXIT_REASON", "exit_reason"},
                {"READY_FOR_INTERRUPT_INJECTION", "ready_for_interrupt_injection"}, {"IF_FLAG", "if_flag"},
                {"FLAGS", "flags"}, {"CR8", "cr8"}, {"APIC_BASE", "apic_base"},
                {"HW_HARDWARE_EXIT_REASON", "hw.hardware_exit_reason"},
                {"FAIL_ENTRY_HARDWARE_ENTRY_FAILURE_REASON", "fail_entry.hardware_entry_failure_reason"},
                {"FAIL_ENTRY_CPU", "fail_entry.cpu"}, {"EX_EXCEPTION", "ex.exception"},
                {"EX_ERROR_CODE", "ex.error_code"}, {"IO_DIRECTION", "io.direction"}, {"IO_SIZE", "io.size"},
                {"IO_PORT", "io.port"}, {"IO_COUNT", "io.count"}, {"IO_DATA_OFFSET", "io.data_offset"},
                {"MMIO_PHYS_ADDR", "mmio.phys_addr"}, {"MMIO_DATA", "mmio.data"}, {"MMIO_LEN", "mmio.len"},
                {"MMIO_IS_WRITE", "mmio.is_write"}, {"INTERNAL_SUBERROR", "internal.suberror"},
                {"INTERNAL_NDATA", "internal.ndata"}, {"INTERNAL_DATA", "internal.data"},
                {"SYSTEM_EVENT_TYPE", "system_event.type"}}) {
            m.put("KvmRun." + f[0], "offsetof(" + run + ", " + f[1] + ")");
        }
        m.put("KvmRun.INTERNAL_DATA_ENTRIES", "sizeof(((struct kvm_run *)0)->internal.data) / 8");

        m.put("KvmRegs.SIZE", "sizeof(struct kvm_regs)");
        for (String r : new String[] {"RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RSP", "RBP", "R8", "R9", "R10",
            "R11", "R12", "R13", "R14", "R15", "RIP", "RFLAGS"}) {
            m.put("KvmRegs." + r, "offsetof(struct kvm_regs, " + r.toLowerCase() + ")");
        }

        m.put("KvmSregs.SIZE", "sizeof(struct kvm_sregs)");
        for (String r : new String[] {"CS", "DS", "ES", "FS", "GS", "SS", "TR", "LDT", "GDT", "IDT", "CR0", "CR2",
            "CR3", "CR4", "CR8", "EFER", "APIC_BASE", "INTERRUPT_BITMAP"}) {
            m.put("KvmSregs." + r, "offsetof(struct kvm_sregs, " + r.toLowerCase() + ")");
        }
        m.put("KvmSregs.SEGMENT_SIZE", "sizeof(struct kvm_segment)");
        for (String f : new String[] {"BASE", "LIMIT", "SELECTOR", "TYPE", "PRESENT", "DPL", "DB", "S", "L", "G",
            "AVL", "UNUSABLE"}) {
            m.put("KvmSregs.SEGMENT_" + f, "offsetof(struct kvm_segment, " + f.toLowerCase() + ")");
        }
        m.put("KvmSregs.DTABLE_SIZE", "sizeof(struct kvm_dtable)");
        m.put("KvmSregs.DTABLE_BASE", "offsetof(struct kvm_dtable, base)");
        m.put("KvmSregs.DTABLE_LIMIT", "offsetof(struct kvm_dtable, limit)");

        m.put("KvmUserspaceMemoryRegion.SIZE", "sizeof(struct kvm_userspace_memory_region)");
        for (String f : new String[] {"SLOT", "FLAGS", "GUEST_PHYS_ADDR", "MEMORY_SIZE", "USERSPACE_ADDR"}) {
            m.put("KvmUserspaceMemoryRegion." + f, "offsetof(struct kvm_userspace_memory_region, "
                    + f.toLowerCase() + ")");
        }

        m.put("KvmCpuid2.HEADER_SIZE", "sizeof(struct kvm_cpuid2)");
        m.put("KvmCpuid2.NENT", "offsetof(struct kvm_cpuid2, nent)");
        m.put("KvmCpuid2.ENTRIES", "offsetof(struct kvm_cpuid2, entries)");
        m.put("KvmCpuid2.ENTRY_SIZE", "sizeof(struct kvm_cpuid_entry2)");
        for (String f : new String[] {"FUNCTION", "INDEX", "FLAGS", "EAX", "EBX", "ECX", "EDX"}) {
            m.put("KvmCpuid2.ENTRY_" + f, "offsetof(struct kvm_cpuid_entry2, " + f.toLowerCase() + ")");
        }

        m.put("KvmInterrupt.SIZE", "sizeof(struct kvm_interrupt)");
        m.put("KvmInterrupt.IRQ", "offsetof(struct kvm_interrupt, irq)");

        m.put("KvmMsrs.HEADER_SIZE", "sizeof(struct kvm_msrs)");
        m.put("KvmMsrs.NMSRS", "offsetof(struct kvm_msrs, nmsrs)");
        m.put("KvmMsrs.ENTRIES", "offsetof(struct kvm_msrs, entries)");
        m.put("KvmMsrs.ENTRY_SIZE", "sizeof(struct kvm_msr_entry)");
        m.put("KvmMsrs.ENTRY_INDEX", "offsetof(struct kvm_msr_entry, index)");
        m.put("KvmMsrs.ENTRY_DATA", "offsetof(struct kvm_msr_entry, data)");

        m.put("KvmSignalMask.LEN", "offsetof(struct kvm_signal_mask, len)");
        m.put("KvmSignalMask.SIGSET", "offsetof(struct kvm_signal_mask, sigset)");
        // the kernel's sigset_t: one bit per signal 1.._NSIG-1 (64 on x86-64)
        m.put("KvmSignalMask.KERNEL_SIGSET_BYTES", "(_NSIG - 1) / 8");
        m.put("KvmSignalMask.SIZE", "sizeof(struct kvm_signal_mask) + (_NSIG - 1) / 8");
        return m;
    }

    private static final List<Class<?>> LAYOUTS = List.of(KvmRun.class, KvmRegs.class, KvmSregs.class,
            KvmUserspaceMemoryRegion.class, KvmCpuid2.class, KvmInterrupt.class, KvmMsrs.class, KvmSignalMask.class);
    /** Classes whose constants are named exactly like the header's macros. */
    private static final List<Class<?>> MACROS = List.of(KvmIoctl.class, KvmCap.class, KvmExitCode.class);

    @Test
    void everyConstantOfTheBindingMatchesLinuxKvmH() throws IOException, ReflectiveOperationException {
        Map<String, String> expressions = new LinkedHashMap<>(layoutExpressions());
        Map<String, Long> java = new LinkedHashMap<>();
        Set<String> unchecked = new TreeSet<>();
        for (Class<?> c : LAYOUTS) {
            for (Field f : constants(c)) {
                String key = c.getSimpleName() + "." + f.getName();
                java.put(key, f.getLong(null));
                if (!expressions.containsKey(key)) {
                    unchecked.add(key);
                }
            }
        }
        for (Class<?> c : MACROS) {
            for (Field f : constants(c)) {
                String key = c.getSimpleName() + "." + f.getName();
                java.put(key, f.getLong(null));
                expressions.put(key, f.getName());
            }
        }
        assertTrue(unchecked.isEmpty(), "constants without a C expression in this test: " + unchecked);
        assertTrue(java.keySet().containsAll(expressions.keySet()), "expressions for missing constants");
        assertTrue(java.size() > 150, "too few constants found: " + java.size());

        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include <signal.h>\n"
                + "#include <linux/kvm.h>\nint main(void) {\n");
        List<String> expected = new ArrayList<>();
        for (Map.Entry<String, String> e : expressions.entrySet()) {
            c.append(String.format("    printf(\"%s %%llu\\n\", (unsigned long long)(%s));%n", e.getKey(),
                    e.getValue()));
            expected.add(e.getKey() + " " + Long.toUnsignedString(java.get(e.getKey())));
        }
        c.append("    return 0;\n}\n");
        Files.createDirectories(DIR);
        Path source = DIR.resolve("kvm_abi_probe.c");
        Files.writeString(source, c);
        Path probe = NativeToolchain.compile(DIR.resolve("kvm_abi_probe"), List.of(source),
                List.of("-std=gnu11", "-Wall", "-Wextra", "-Werror"));
        String out = NativeToolchain.run(List.of(probe.toString()), null, Map.of(), 60)
                .requireSuccess("kvm_abi_probe").stdout();
        assertEquals(String.join("\n", expected) + "\n", out);
    }

    @Test
    void gprOffsetsFollowTheX86EncodingOrder() {
        String[] names = {"RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI", "R8", "R9", "R10", "R11", "R12",
            "R13", "R14", "R15"};
        for (int i = 0; i < 16; i++) {
            assertEquals(io.splitvisor.engine.Gpr.of(i).name(), names[i]);
        }
        assertEquals(KvmRegs.RAX, KvmRegs.offsetOf(0));
        assertEquals(KvmRegs.RCX, KvmRegs.offsetOf(1));
        assertEquals(KvmRegs.RBX, KvmRegs.offsetOf(3));
        assertEquals(KvmRegs.RSP, KvmRegs.offsetOf(4));
        assertEquals(KvmRegs.RDI, KvmRegs.offsetOf(7));
        assertEquals(KvmRegs.R15, KvmRegs.offsetOf(15));
    }

    private static List<Field> constants(Class<?> c) {
        List<Field> list = new ArrayList<>();
        for (Field f : c.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (Modifier.isPublic(mod) && Modifier.isStatic(mod) && Modifier.isFinal(mod)
                    && (f.getType() == int.class || f.getType() == long.class)) {
                list.add(f);
            }
        }
        return list;
    }
}
