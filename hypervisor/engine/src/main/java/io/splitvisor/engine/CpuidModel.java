package io.splitvisor.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPUID values a vCPU reports. Honest: it claims only what the interpreter implements, so the KVM engine can
 * present the same values and a guest behaves the same on both. Unknown leaves read as zero.
 */
public final class CpuidModel {
    public static final String VENDOR = "Splitvisor86";
    public static final String BRAND = "Splitvisor x86-64 interpreter";

    // Leaf 1 EDX
    public static final int L1_EDX_TSC = 1 << 4;
    public static final int L1_EDX_MSR = 1 << 5;
    public static final int L1_EDX_PAE = 1 << 6;
    public static final int L1_EDX_CX8 = 1 << 8;
    public static final int L1_EDX_PGE = 1 << 13;
    public static final int L1_EDX_CMOV = 1 << 15;
    public static final int L1_EDX_CLFSH = 1 << 19;
    // Leaf 1 ECX
    /**
     * CMPXCHG16B. The interpreter has no 128-bit compare-and-set on the host, so a locked CMPXCHG16B is atomic
     * against other vCPUs' CMPXCHG16B (one JVM-wide lock) but not against other writers of the same 16 bytes; the
     * hypervisor writes no such field. Every other locked instruction is atomic against host atomics too.
     */
    public static final int L1_ECX_CX16 = 1 << 13;
    public static final int L1_ECX_POPCNT = 1 << 23;
    public static final int L1_ECX_HYPERVISOR = 1 << 31;
    // Leaf 7.0 EBX
    public static final int L7_EBX_BMI1 = 1 << 3;
    // Leaf 0x80000001 ECX / EDX
    public static final int X1_ECX_LAHF_LM = 1;
    public static final int X1_ECX_ABM = 1 << 5;
    public static final int X1_EDX_NX = 1 << 20;
    public static final int X1_EDX_PAGE1GB = 1 << 26;
    public static final int X1_EDX_RDTSCP = 1 << 27;
    public static final int X1_EDX_LM = 1 << 29;

    public static final int PHYSICAL_ADDRESS_BITS = 40;
    public static final int LINEAR_ADDRESS_BITS = 48;

    private final HypervisorCpuid hypervisor;
    private final int leaf1Ecx;
    private final int leaf1Edx;
    private final int leaf7Ebx;

    private CpuidModel(HypervisorCpuid hypervisor, int leaf1Ecx, int leaf1Edx, int leaf7Ebx) {
        this.hypervisor = hypervisor;
        this.leaf1Ecx = leaf1Ecx;
        this.leaf1Edx = leaf1Edx;
        this.leaf7Ebx = leaf7Ebx;
    }

    /** The features the Splitvisor interpreter implements, with the given hypervisor leaves. */
    public static CpuidModel standard(HypervisorCpuid hypervisor) {
        return new CpuidModel(hypervisor, L1_ECX_CX16 | L1_ECX_POPCNT | L1_ECX_HYPERVISOR,
                L1_EDX_TSC | L1_EDX_MSR | L1_EDX_PAE | L1_EDX_CX8 | L1_EDX_PGE | L1_EDX_CMOV | L1_EDX_CLFSH,
                L7_EBX_BMI1);
    }

    /** {@link #standard} with only the "SplitvisorPV" signature leaf. */
    public static CpuidModel standard() {
        return standard(HypervisorCpuid.SIGNATURE_ONLY);
    }

    /** Fills {@code out[0..3]} with EAX, EBX, ECX, EDX for the leaf and subleaf. No allocation. */
    public void query(int leaf, int subleaf, int[] out) {
        out[0] = out[1] = out[2] = out[3] = 0;
        switch (leaf) {
            case 0 -> {
                out[0] = 7;
                vendor(out);
            }
            case 1 -> {
                out[0] = 0x00000610; // family 6, model 1, stepping 0
                out[1] = 8 << 8 | 1 << 16; // CLFLUSH line 64 bytes, one logical processor, APIC id 0
                out[2] = leaf1Ecx;
                out[3] = leaf1Edx;
            }
            case 7 -> {
                if (subleaf == 0) {
                    out[1] = leaf7Ebx;
                }
            }
            case 0x80000000 -> {
                out[0] = 0x80000008;
                vendor(out);
            }
            case 0x80000001 -> {
                out[2] = X1_ECX_LAHF_LM | X1_ECX_ABM;
                out[3] = X1_EDX_NX | X1_EDX_PAGE1GB | X1_EDX_RDTSCP | X1_EDX_LM;
            }
            case 0x80000002, 0x80000003, 0x80000004 -> brand(leaf - 0x80000002, out);
            case 0x80000008 -> out[0] = PHYSICAL_ADDRESS_BITS | LINEAR_ADDRESS_BITS << 8;
            default -> {
                if ((leaf & 0xFFFFFF00) == HypervisorCpuid.BASE_LEAF && !hypervisor.query(leaf, subleaf, out)) {
                    out[0] = out[1] = out[2] = out[3] = 0;
                }
            }
        }
    }

    /** Whether leaf 1 ECX / EDX, leaf 7 EBX or the extended leaf claims a feature (for engines to check). */
    public boolean hasLeaf1Ecx(int bit) {
        return (leaf1Ecx & bit) == bit;
    }

    public boolean hasLeaf7Ebx(int bit) {
        return (leaf7Ebx & bit) == bit;
    }

    /** One row of the table, as KVM_SET_CPUID2 wants it. */
    public record Entry(int leaf, int subleaf, int eax, int ebx, int ecx, int edx) {
    }

    /** Every non-hypervisor leaf this model defines, plus hypervisor leaves the provider answers. */
    public List<Entry> entries() {
        List<Entry> list = new ArrayList<>();
        int[] out = new int[4];
        for (int leaf : new int[] {0, 1, 7, 0x80000000, 0x80000001, 0x80000002, 0x80000003, 0x80000004,
                0x80000008}) {
            query(leaf, 0, out);
            list.add(new Entry(leaf, 0, out[0], out[1], out[2], out[3]));
        }
        for (int leaf = HypervisorCpuid.BASE_LEAF; leaf < HypervisorCpuid.BASE_LEAF + 0x100; leaf++) {
            if (hypervisor.query(leaf, 0, out)) {
                list.add(new Entry(leaf, 0, out[0], out[1], out[2], out[3]));
            }
        }
        return list;
    }

    private static void vendor(int[] out) {
        byte[] v = VENDOR.getBytes(StandardCharsets.US_ASCII);
        out[1] = le32(v, 0);
        out[3] = le32(v, 4);
        out[2] = le32(v, 8);
    }

    private static void brand(int part, int[] out) {
        byte[] b = new byte[48];
        byte[] s = BRAND.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, b, 0, Math.min(s.length, 47));
        for (int i = 0; i < 4; i++) {
            out[i] = le32(b, part * 16 + i * 4);
        }
    }

    static int le32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }
}
