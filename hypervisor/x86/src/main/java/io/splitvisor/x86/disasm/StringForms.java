package io.splitvisor.x86.disasm;

import io.splitvisor.x86.decode.Insn;

/** Operands of string instructions as objdump prints them ("BYTE PTR es:[rdi],BYTE PTR ds:[rsi]"). */
final class StringForms {
    private StringForms() {
    }

    static String operands(Insn in) {
        int s = in.size;
        String p = switch (s) {
            case 1 -> "BYTE PTR ";
            case 2 -> "WORD PTR ";
            case 4 -> "DWORD PTR ";
            default -> "QWORD PTR ";
        };
        String r = in.addr32 ? "e" : "r";
        String src = p + (in.segment == 4 ? "fs:" : in.segment == 5 ? "gs:" : "ds:") + "[" + r + "si]";
        String dst = p + "es:[" + r + "di]";
        String acc = Disassembler.reg(s, 0);
        return switch (in.sub) {
            case 0 -> dst + "," + src;
            case 1 -> src + "," + dst;
            case 2 -> dst + "," + acc;
            case 3 -> acc + "," + src;
            case 4 -> acc + "," + dst;
            case 5 -> dst + ",dx";
            default -> "dx," + src;
        };
    }

    /** "rep", "repz" or "repnz" as objdump names the prefix, or "". */
    static String repPrefix(Insn in) {
        if (in.rep == 0) {
            return "";
        }
        boolean conditional = in.sub == 1 || in.sub == 4;
        if (in.rep == Insn.REP) {
            return conditional ? "repz " : "rep ";
        }
        return conditional ? "repnz " : "repnz ";
    }
}
