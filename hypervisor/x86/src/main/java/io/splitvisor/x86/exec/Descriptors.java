package io.splitvisor.x86.exec;

import io.splitvisor.engine.Segment;
import io.splitvisor.x86.cpu.Cpu;
import io.splitvisor.x86.cpu.Mmu;
import io.splitvisor.x86.cpu.Vectors;

/** Reads segment descriptors from the GDT (the LDT is not supported: a selector with TI=1 raises #GP). */
final class Descriptors {
    private Descriptors() {
    }

    static long read(Cpu c, Mmu m, int selector) {
        int index = selector & 0xFFF8;
        if ((selector & 4) != 0 || index + 7 > c.gdt.limit()) {
            throw c.fault(Vectors.GP, selector & 0xFFFC);
        }
        return m.readSupervisor(8, c.gdt.base() + index);
    }

    static Segment toSegment(int selector, long d) {
        long base = ((d >>> 16) & 0xFFFFFF) | ((d >>> 32) & 0xFF000000L);
        int limit = (int) ((d & 0xFFFF) | ((d >>> 32) & 0xF0000));
        int access = (int) (d >>> 40) & 0xFF;
        int flags = (int) (d >>> 52) & 0xF;
        if ((flags & 8) != 0) {
            limit = (limit << 12) | 0xFFF;
        }
        return new Segment(selector, base, limit, access | (flags << 12));
    }

    /** A 64-bit code segment for a far transfer (interrupt gate, IRET, far return). */
    static Segment loadCode(Cpu c, Mmu m, int selector) {
        if ((selector & 0xFFFC) == 0) {
            throw c.fault(Vectors.GP, 0);
        }
        Segment s = toSegment(selector, read(c, m, selector));
        int err = selector & 0xFFFC;
        if ((s.attributes() & Segment.S) == 0 || (s.type() & 8) == 0 || !s.isLongCode()) {
            throw c.fault(Vectors.GP, err);
        }
        if (!s.present()) {
            throw c.fault(Vectors.NP, err);
        }
        return s;
    }

    /** A data segment for DS, ES, FS, GS or SS at privilege {@code cpl}. Null selectors give an unusable segment. */
    static Segment loadData(Cpu c, Mmu m, int selector, boolean stack, int cpl) {
        int err = selector & 0xFFFC;
        if (err == 0) {
            if (stack && cpl == 3) {
                throw c.fault(Vectors.GP, 0);
            }
            return new Segment(selector, 0, 0, Segment.UNUSABLE);
        }
        Segment s = toSegment(selector, read(c, m, selector));
        boolean code = (s.type() & 8) != 0;
        boolean ok = (s.attributes() & Segment.S) != 0
                && (stack ? !code && (s.type() & 2) != 0 && s.dpl() == cpl && (selector & 3) == cpl
                        : !code || (s.type() & 2) != 0);
        if (!ok) {
            throw c.fault(Vectors.GP, err);
        }
        if (!s.present()) {
            throw c.fault(stack ? Vectors.SS : Vectors.NP, err);
        }
        return s;
    }
}
