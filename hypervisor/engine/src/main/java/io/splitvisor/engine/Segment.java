package io.splitvisor.engine;

/**
 * The hidden (cached) state of a segment register. {@code attributes} uses the VMX access-rights layout:
 * bits 0-3 type, 4 S (code/data), 5-6 DPL, 7 present, 12 AVL, 13 L (64-bit code), 14 D/B, 15 G, 16 unusable.
 */
public record Segment(int selector, long base, int limit, int attributes) {
    public static final int TYPE_MASK = 0xF;
    public static final int S = 1 << 4;
    public static final int PRESENT = 1 << 7;
    public static final int AVL = 1 << 12;
    public static final int LONG = 1 << 13;
    public static final int DB = 1 << 14;
    public static final int GRANULARITY = 1 << 15;
    public static final int UNUSABLE = 1 << 16;

    /** A null selector's segment (unusable). */
    public static final Segment NULL = new Segment(0, 0, 0, UNUSABLE);

    /** A 64-bit code segment (type execute/read, accessed) with the given selector and privilege level. */
    public static Segment code64(int selector, int dpl) {
        return new Segment(selector, 0, 0xFFFFFFFF, 0xB | S | (dpl << 5) | PRESENT | LONG | GRANULARITY);
    }

    /** A flat writable data segment (type read/write, accessed) with the given selector and privilege level. */
    public static Segment flatData(int selector, int dpl) {
        return new Segment(selector, 0, 0xFFFFFFFF, 0x3 | S | (dpl << 5) | PRESENT | DB | GRANULARITY);
    }

    /** A 64-bit TSS descriptor's cached state (type 0xB, busy). */
    public static Segment tss64(int selector, long base, int limit) {
        return new Segment(selector, base, limit, 0xB | PRESENT);
    }

    public int type() {
        return attributes & TYPE_MASK;
    }

    public int dpl() {
        return (attributes >> 5) & 3;
    }

    public boolean present() {
        return (attributes & PRESENT) != 0;
    }

    public boolean isLongCode() {
        return (attributes & LONG) != 0;
    }

    public boolean unusable() {
        return (attributes & UNUSABLE) != 0;
    }

    public Segment withBase(long newBase) {
        return new Segment(selector, newBase, limit, attributes);
    }
}
