package io.splitvisor.x86.exec;

import io.splitvisor.x86.cpu.Cpu;
import io.splitvisor.x86.decode.Insn;

/** BMI1: ANDN (0), BEXTR (1), BLSR (2), BLSMSK (3), BLSI (4), with the flags the manuals define. */
final class Bmi {
    private Bmi() {
    }

    static void exec(Executor x, Insn in) {
        Cpu c = x.c;
        int s = in.size;
        long src = in.mem ? x.m.read(s, x.ea(in)) : c.get(s, in.rm);
        switch (in.sub) {
            case 0 -> {
                long r = ~c.get(s, in.vreg) & src;
                c.set(s, in.reg, r);
                c.setLogicFlags(s, r);
            }
            case 1 -> {
                long ctl = c.get(s, in.vreg);
                int start = (int) ctl & 0xFF;
                int len = (int) (ctl >>> 8) & 0xFF;
                int bits = s << 3;
                long r = start >= bits ? 0 : src >>> start;
                if (len < 64) {
                    r &= (1L << len) - 1;
                }
                r = Cpu.mask(s, r);
                c.set(s, in.reg, r);
                c.setLogicFlags(s, r);
            }
            case 2 -> {
                long r = Cpu.mask(s, (src - 1) & src);
                c.set(s, in.vreg, r);
                c.setResultCfOf(s, r, src == 0, false);
            }
            case 3 -> {
                long r = Cpu.mask(s, (src - 1) ^ src);
                c.set(s, in.vreg, r);
                c.setResultCfOf(s, r, src == 0, false);
            }
            default -> {
                long r = Cpu.mask(s, -src & src);
                c.set(s, in.vreg, r);
                c.setResultCfOf(s, r, src != 0, false);
            }
        }
    }
}
