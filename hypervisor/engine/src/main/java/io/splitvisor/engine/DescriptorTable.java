package io.splitvisor.engine;

/** A GDTR or IDTR value: linear base address and 16-bit limit (last valid byte offset). */
public record DescriptorTable(long base, int limit) {
    public static final DescriptorTable EMPTY = new DescriptorTable(0, 0);

    public DescriptorTable {
        if (limit < 0 || limit > 0xFFFF) {
            throw new IllegalArgumentException("descriptor table limit out of range: " + limit);
        }
    }
}
