package io.splitvisor.engine;

/** A CPU engine: the interpreter or KVM. Knows nothing about domains. */
public interface Engine {
    /** Short name ("interp", "kvm"). */
    String name();

    /** Creates a vCPU on the given guest memory that reports the given CPUID values. */
    Vcpu createVcpu(GuestMemory memory, CpuidModel cpuid);
}
