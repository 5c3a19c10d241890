package io.splitvisor.engine;

import java.nio.charset.StandardCharsets;

/**
 * Supplies the hypervisor CPUID leaves 0x40000000..0x400000FF. The hypervisor core plugs in its own (ABI version,
 * hypercall ports, start-info location); {@link #SIGNATURE_ONLY} answers just the signature leaf.
 */
@FunctionalInterface
public interface HypervisorCpuid {
    int BASE_LEAF = 0x40000000;

    /** Fills {@code out} (EAX, EBX, ECX, EDX) for a hypervisor leaf; returns false for an unknown leaf. */
    boolean query(int leaf, int subleaf, int[] out);

    /** Leaf 0x40000000: EAX = highest hypervisor leaf, EBX:ECX:EDX = the 12-byte signature. */
    static void signature(String twelveChars, int maxLeaf, int[] out) {
        byte[] b = twelveChars.getBytes(StandardCharsets.US_ASCII);
        if (b.length != 12) {
            throw new IllegalArgumentException("CPUID signature must be 12 ASCII characters: " + twelveChars);
        }
        out[0] = maxLeaf;
        out[1] = CpuidModel.le32(b, 0);
        out[2] = CpuidModel.le32(b, 4);
        out[3] = CpuidModel.le32(b, 8);
    }

    /** Only the "SplitvisorPV" signature leaf, max leaf 0x40000000. */
    HypervisorCpuid SIGNATURE_ONLY = (leaf, subleaf, out) -> {
        if (leaf != BASE_LEAF) {
            return false;
        }
        signature("SplitvisorPV", BASE_LEAF, out);
        return true;
    };
}
