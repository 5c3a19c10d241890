package io.splitvisor.x86.exec;

import io.splitvisor.x86.cpu.Alu;
import io.splitvisor.x86.cpu.Cpu;
import io.splitvisor.x86.cpu.Mmu;
import io.splitvisor.x86.decode.Insn;

/**
 * MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS with REP/REPE/REPNE, DF and 32- or 64-bit addressing. A REP instruction
 * runs at most {@link #CHUNK} iterations per execution and then restarts itself, so interrupts, stop requests and
 * the instruction limit are honoured during long copies (each restart counts as one retired instruction).
 */
final class StringOps {
    static final int CHUNK = 4096;
    private final SystemOps sys;

    StringOps(SystemOps sys) {
        this.sys = sys;
    }

    void exec(Executor x, Insn in) {
        Cpu c = x.c;
        long[] r = c.regs;
        boolean a32 = in.size2 == 4;
        if (in.rep == 0) {
            once(x, in, a32);
            return;
        }
        if (in.sub == 6 && sys.batchStringIo()) {
            repOutsBatched(x, in, a32);
            return;
        }
        if (in.sub == 5 && sys.batchStringIo()) {
            repInsBatched(x, in, a32);
            return;
        }
        long count = a32 ? r[1] & 0xFFFFFFFFL : r[1];
        boolean conditional = in.sub == 1 || in.sub == 4;
        int n = 0;
        boolean condStop = false;
        while (count != 0 && n < CHUNK) {
            once(x, in, a32);
            count--;
            if (a32) {
                c.set(4, 1, count);
            } else {
                r[1] = count;
            }
            n++;
            if (conditional && (c.zf() != (in.rep == Insn.REP))) {
                condStop = true;
                break;
            }
            if (x.abort) {
                break;
            }
        }
        c.rip = count != 0 && !condStop ? in.nextRip - in.len : in.nextRip;
        if (c.rip != in.nextRip) {
            x.abort = true; // let the dispatcher check for events before continuing
        }
    }

    /**
     * REP OUTS as one exit carrying up to a page of elements. The first element is read normally (it may fault or
     * exit before anything changes); the rest lie on the same page, so reading them cannot fail.
     */
    private void repOutsBatched(Executor x, Insn in, boolean a32) {
        Cpu c = x.c;
        long[] r = c.regs;
        long count = a32 ? r[1] & 0xFFFFFFFFL : r[1];
        if (count == 0) {
            c.rip = in.nextRip;
            return;
        }
        sys.checkIo();
        int s = in.size;
        long delta = c.df() ? -s : s;
        long src = source(x, in, r, a32);
        byte[] buf = sys.stringBuffer();
        int n = onePage(src, delta, s, count);
        for (int i = 0; i < n; i++) {
            long v = x.m.read(s, src + i * delta);
            for (int k = 0; k < s; k++) {
                buf[i * s + k] = (byte) (v >>> (8 * k));
            }
        }
        advance(c, 6, n * delta, a32);
        finishBatch(c, in, a32, count - n);
        sys.outString(x, (int) r[2] & 0xFFFF, s, n);
    }

    /** How many of {@code count} elements from {@code start} form one batch: the first, and those on its page. */
    private static int onePage(long start, long delta, int s, long count) {
        long max = Math.min(count, io.splitvisor.engine.Exit.MAX_STRING_BYTES / s);
        long page = start & ~0xFFFL;
        int n = 1;
        while (n < max) {
            long a = start + n * delta;
            if ((a & ~0xFFFL) != page || ((a + s - 1) & ~0xFFFL) != page) {
                break;
            }
            n++;
        }
        return n;
    }

    /** RCX after a batch, and RIP: the instruction again while elements remain. */
    private static void finishBatch(Cpu c, Insn in, boolean a32, long left) {
        if (a32) {
            c.set(4, 1, left);
        } else {
            c.regs[1] = left;
        }
        c.rip = left != 0 ? in.nextRip - in.len : in.nextRip;
    }

    /**
     * REP INS as one exit for up to a page of elements. The destination's first element is probed for writing
     * before the exit (a fault comes first, with nothing read from the port); the rest lie on the same page. The
     * instruction is abandoned at the exit and runs again once the host has supplied the elements, so nothing
     * changes until then.
     */
    private void repInsBatched(Executor x, Insn in, boolean a32) {
        Cpu c = x.c;
        long[] r = c.regs;
        long count = a32 ? r[1] & 0xFFFFFFFFL : r[1];
        if (count == 0) {
            c.rip = in.nextRip;
            return;
        }
        sys.checkIo();
        int s = in.size;
        long delta = c.df() ? -s : s;
        long dst = index(r, 7, a32);
        int n = onePage(dst, delta, s, count);
        x.m.probeWrite(dst, s);
        int port = (int) r[2] & 0xFFFF;
        if (n == 1) {
            x.m.write(s, dst, sys.in(x, port, s));   // a lone element is a plain IN exit
        } else {
            byte[] data = sys.inString(port, s, n);
            for (int i = 0; i < n; i++) {
                long v = 0;
                for (int k = s - 1; k >= 0; k--) {
                    v = v << 8 | (data[i * s + k] & 0xFF);
                }
                x.m.write(s, dst + i * delta, v);
            }
        }
        advance(c, 7, n * delta, a32);
        finishBatch(c, in, a32, count - n);
    }

    private static long index(long[] r, int reg, boolean a32) {
        return a32 ? r[reg] & 0xFFFFFFFFL : r[reg];
    }

    private static void advance(Cpu c, int reg, long delta, boolean a32) {
        if (a32) {
            c.set(4, reg, c.regs[reg] + delta);
        } else {
            c.regs[reg] += delta;
        }
    }

    private long source(Executor x, Insn in, long[] r, boolean a32) {
        long a = index(r, 6, a32);
        if (in.segment == 4) {
            a += x.c.fsBase;
        } else if (in.segment == 5) {
            a += x.c.gsBase;
        }
        return a;
    }

    private void once(Executor x, Insn in, boolean a32) {
        Cpu c = x.c;
        Mmu m = x.m;
        long[] r = c.regs;
        int s = in.size;
        long delta = c.df() ? -s : s;
        switch (in.sub) {
            case 0: { // MOVS
                long v = m.read(s, source(x, in, r, a32));
                m.write(s, index(r, 7, a32), v);
                advance(c, 6, delta, a32);
                advance(c, 7, delta, a32);
                break;
            }
            case 1: { // CMPS
                long a = m.read(s, source(x, in, r, a32));
                long b = m.read(s, index(r, 7, a32));
                Alu.alu(c, Alu.CMP, s, a, b);
                advance(c, 6, delta, a32);
                advance(c, 7, delta, a32);
                break;
            }
            case 2: // STOS
                m.write(s, index(r, 7, a32), c.get(s, 0));
                advance(c, 7, delta, a32);
                break;
            case 3: // LODS
                c.set(s, 0, m.read(s, source(x, in, r, a32)));
                advance(c, 6, delta, a32);
                break;
            case 4: { // SCAS
                long b = m.read(s, index(r, 7, a32));
                Alu.alu(c, Alu.CMP, s, c.get(s, 0), b);
                advance(c, 7, delta, a32);
                break;
            }
            case 5: { // INS
                long dst = index(r, 7, a32);
                m.probeWrite(dst, s);
                long v = sys.in(x, (int) r[2] & 0xFFFF, s);
                m.write(s, dst, v);
                advance(c, 7, delta, a32);
                break;
            }
            default: { // OUTS
                long v = m.read(s, source(x, in, r, a32));
                sys.out(x, (int) r[2] & 0xFFFF, s, v);
                advance(c, 6, delta, a32);
                break;
            }
        }
    }
}
