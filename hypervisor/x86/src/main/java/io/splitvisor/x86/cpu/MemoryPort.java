package io.splitvisor.x86.cpu;

/** What the MMU needs from the vCPU around it: MMIO exits and self-modifying-code invalidation. */
public interface MemoryPort {
    /** Reads MMIO: returns the data supplied on resume, or describes the exit and throws {@link ExitSignal}. */
    long mmioRead(long physical, int size);

    /** Writes MMIO: records the exit, which is reported once the current instruction completes. */
    void mmioWrite(long physical, int size, long value);

    /** A guest store hit a page that holds decoded code; drop that code (and end the running block). */
    void codePageWritten(long physicalPage);
}
