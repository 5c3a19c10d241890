package io.splitvisor.kvm.state;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.HypervisorCpuid;
import io.splitvisor.kvm.abi.KvmCpuid2;
import io.splitvisor.kvm.abi.KvmExitCode;
import io.splitvisor.kvm.sys.NativeBuffer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPUID table handed to KVM_SET_CPUID2. By default it is exactly the interpreter's {@link CpuidModel} (vendor,
 * features, the hypervisor bit and the Splitvisor leaves), so a guest sees the same machine on both engines. With
 * host pass-through it is KVM_GET_SUPPORTED_CPUID's table with the hypervisor bit set and the Splitvisor leaves in
 * place of KVM's own 0x40000000 range.
 */
public final class CpuidTable {
    /** Leaves whose subleaf (ECX) selects a different answer. */
    private static final int[] INDEXED_LEAVES = {4, 7, 0xB, 0xD, 0xF, 0x10, 0x12, 0x14, 0x17, 0x18, 0x1D, 0x1E, 0x1F,
        0x20, 0x24, 0x8000001D, 0x80000020};

    /** One row. */
    public record Entry(int leaf, int subleaf, int flags, int eax, int ebx, int ecx, int edx) {
    }

    private final List<Entry> entries;

    private CpuidTable(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The interpreter's model, row for row. */
    public static CpuidTable of(CpuidModel model) {
        List<Entry> list = new ArrayList<>();
        for (CpuidModel.Entry e : model.entries()) {
            list.add(new Entry(e.leaf(), e.subleaf(), indexed(e.leaf()) ? KvmExitCode.KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0,
                    e.eax(), e.ebx(), e.ecx(), e.edx()));
        }
        return new CpuidTable(list);
    }

    /**
     * The host's supported table (a kvm_cpuid2 image from KVM_GET_SUPPORTED_CPUID) with the hypervisor bit set and
     * the hypervisor leaves of {@code model} replacing KVM's.
     */
    public static CpuidTable hostPassThrough(ByteBuffer supported, CpuidModel model) {
        List<Entry> list = new ArrayList<>();
        int n = supported.getInt(KvmCpuid2.NENT);
        for (int i = 0; i < n; i++) {
            int at = KvmCpuid2.entry(i);
            int leaf = supported.getInt(at + KvmCpuid2.ENTRY_FUNCTION);
            if ((leaf & 0xFFFFFF00) == HypervisorCpuid.BASE_LEAF) {
                continue;
            }
            int ecx = supported.getInt(at + KvmCpuid2.ENTRY_ECX);
            if (leaf == 1) {
                ecx |= CpuidModel.L1_ECX_HYPERVISOR;
            }
            list.add(new Entry(leaf, supported.getInt(at + KvmCpuid2.ENTRY_INDEX),
                    supported.getInt(at + KvmCpuid2.ENTRY_FLAGS), supported.getInt(at + KvmCpuid2.ENTRY_EAX),
                    supported.getInt(at + KvmCpuid2.ENTRY_EBX), ecx, supported.getInt(at + KvmCpuid2.ENTRY_EDX)));
        }
        for (CpuidModel.Entry e : model.entries()) {
            if ((e.leaf() & 0xFFFFFF00) == HypervisorCpuid.BASE_LEAF) {
                list.add(new Entry(e.leaf(), e.subleaf(), 0, e.eax(), e.ebx(), e.ecx(), e.edx()));
            }
        }
        return new CpuidTable(list);
    }

    /** The kvm_cpuid2 image of this table. */
    public NativeBuffer toKvmCpuid2() {
        NativeBuffer buf = new NativeBuffer(KvmCpuid2.sizeFor(entries.size()));
        ByteBuffer b = buf.bytes();
        b.putInt(KvmCpuid2.NENT, entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            int at = KvmCpuid2.entry(i);
            b.putInt(at + KvmCpuid2.ENTRY_FUNCTION, e.leaf());
            b.putInt(at + KvmCpuid2.ENTRY_INDEX, e.subleaf());
            b.putInt(at + KvmCpuid2.ENTRY_FLAGS, e.flags());
            b.putInt(at + KvmCpuid2.ENTRY_EAX, e.eax());
            b.putInt(at + KvmCpuid2.ENTRY_EBX, e.ebx());
            b.putInt(at + KvmCpuid2.ENTRY_ECX, e.ecx());
            b.putInt(at + KvmCpuid2.ENTRY_EDX, e.edx());
        }
        return buf;
    }

    /** Register {@code reg} (0 EAX .. 3 EDX) of leaf/subleaf 0, or 0 when the table has no such row. */
    public int register(int leaf, int subleaf, int reg) {
        for (Entry e : entries) {
            if (e.leaf() == leaf && (e.subleaf() == subleaf || (e.flags() & KvmExitCode.KVM_CPUID_FLAG_SIGNIFCANT_INDEX) == 0)) {
                return switch (reg) {
                    case 0 -> e.eax();
                    case 1 -> e.ebx();
                    case 2 -> e.ecx();
                    default -> e.edx();
                };
            }
        }
        return 0;
    }

    /** Whether all of {@code bits} are set in register {@code reg} of the leaf (subleaf 0). */
    public boolean has(int leaf, int reg, int bits) {
        return (register(leaf, 0, reg) & bits) == bits;
    }

    /** The guest's physical address width (CPUID 0x80000008 EAX[7:0]), 36 when the leaf is absent. */
    public int physicalAddressBits() {
        int bits = register(0x80000008, 0, 0) & 0xFF;
        return bits == 0 ? 36 : bits;
    }

    private static boolean indexed(int leaf) {
        for (int l : INDEXED_LEAVES) {
            if (l == leaf) {
                return true;
            }
        }
        return false;
    }
}
