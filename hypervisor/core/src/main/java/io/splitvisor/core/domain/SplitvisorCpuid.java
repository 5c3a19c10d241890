package io.splitvisor.core.domain;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.proto.AbiFeature;
import io.splitvisor.engine.HypervisorCpuid;

/** The hypervisor CPUID leaves every Splitvisor guest sees (ABI.md section 2). */
public final class SplitvisorCpuid implements HypervisorCpuid {
    /** The features this hypervisor offers, as VersionResponse.features and CPUID 0x40000001 EBX. */
    public static final long FEATURES = bit(AbiFeature.ABI_FEATURE_DOORBELL) | bit(AbiFeature.ABI_FEATURE_GRANT_MAP)
            | bit(AbiFeature.ABI_FEATURE_GRANT_COPY) | bit(AbiFeature.ABI_FEATURE_POLL)
            | bit(AbiFeature.ABI_FEATURE_DOMCTL) | bit(AbiFeature.ABI_FEATURE_UPCALL);

    private final long startInfoGpa;

    public SplitvisorCpuid(long startInfoGpa) {
        this.startInfoGpa = startInfoGpa;
    }

    private static long bit(AbiFeature f) {
        return 1L << f.getNumber();
    }

    @Override
    public boolean query(int leaf, int subleaf, int[] out) {
        switch (leaf) {
            case AbiConstants.CPUID_LEAF_SIGNATURE -> HypervisorCpuid.signature(AbiConstants.CPUID_SIGNATURE, AbiConstants.CPUID_LEAF_MAX, out);
            case AbiConstants.CPUID_LEAF_VERSION -> {
                out[0] = AbiConstants.ABI_VERSION;
                out[1] = (int) FEATURES;
                out[2] = 0;   // vCPU id: domains have one vCPU
                out[3] = 0;
            }
            case AbiConstants.CPUID_LEAF_PLATFORM -> {
                out[0] = AbiConstants.HYPERCALL_PORT;
                out[1] = AbiConstants.DOORBELL_PORT;
                out[2] = (int) startInfoGpa;
                out[3] = (int) (startInfoGpa >>> 32);
            }
            default -> {
                return false;
            }
        }
        return true;
    }
}
