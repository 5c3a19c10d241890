package io.splitvisor.x86.decode;

/**
 * VEX-encoded instructions: only the BMI1 group (ANDN, BEXTR, BLSR, BLSMSK, BLSI) in map 0F38 with L = 0. Every
 * other VEX instruction (AVX, BMI2) raises #UD, as do VEX prefixes after 66, F2, F3, LOCK or REX.
 */
final class Vex {
    private Vex() {
    }

    static void decode(Decoder d, int first) {
        Insn in = d.in;
        if (d.p66 || d.rep != 0 || in.lock || d.rexPresent) {
            d.ud();
            return;
        }
        int b1 = d.next();
        int map;
        boolean w;
        int b2;
        if (first == 0xC4) {
            d.rexR = ((~b1 >> 7) & 1) << 3;
            d.rexX = ((~b1 >> 6) & 1) << 3;
            d.rexB = ((~b1 >> 5) & 1) << 3;
            map = b1 & 0x1F;
            b2 = d.next();
            w = (b2 & 0x80) != 0;
        } else {
            d.rexR = ((~b1 >> 7) & 1) << 3;
            map = 1;
            b2 = b1;
            w = false;
        }
        int vvvv = (~b2 >> 3) & 15;
        boolean l = (b2 & 4) != 0;
        int pp = b2 & 3;
        d.rexPresent = true; // byte registers are never used, and SPL..DIL naming applies
        int op = d.next();
        int size = w ? 8 : 4;
        if (map != 2 || l || pp != 0) {
            d.ud();
            return;
        }
        switch (op) {
            case 0xF2 -> {
                d.modrm();
                set(d, 0, "andn", size, vvvv);
            }
            case 0xF7 -> {
                d.modrm();
                set(d, 1, "bextr", size, vvvv);
            }
            case 0xF3 -> {
                d.modrm();
                int x = d.ext();
                if (x < 1 || x > 3) {
                    d.ud();
                    return;
                }
                set(d, x + 1, x == 1 ? "blsr" : x == 2 ? "blsmsk" : "blsi", size, vvvv);
            }
            default -> d.ud();
        }
    }

    private static void set(Decoder d, int kind, String name, int size, int vvvv) {
        Insn in = d.in;
        d.set(Op.BMI, size, name);
        in.sub = kind;
        in.vreg = vvvv;
        in.reg = d.regRaw;
        if (!in.mem) {
            in.rm = d.rmRaw;
        }
    }
}
