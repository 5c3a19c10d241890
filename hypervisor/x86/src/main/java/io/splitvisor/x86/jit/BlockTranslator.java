package io.splitvisor.x86.jit;

import static io.splitvisor.x86.jit.CodeBuffer.*;

import io.splitvisor.x86.decode.Insn;
import io.splitvisor.x86.decode.Op;
import io.splitvisor.x86.decode.Specializer;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates a decoded block into a class extending {@code exec.Translation} whose method
 * {@code int run(Executor x, Block b, long budget)} does what the interpreter's {@code Executor.runBlock} does for
 * the same instructions, with the guest registers and the lazy-flag pair in JVM locals:
 *
 * <ul>
 *   <li>the longest prefix of instructions the emitters support is translated; at the first other instruction
 *       the method returns {@code ~k} and the interpreter runs the rest of the block from instruction k;</li>
 *   <li>flags are computed only where live: before an instruction that reads them, at every point that can leave
 *       the block (a fault, a store that may end it, the end) and not where the next instruction overwrites them;</li>
 *   <li>a fault (GuestFault, or the ExitSignal of an MMIO read) reaches one handler that stores the locals back and
 *       lets {@code Executor.jitStop} set RIP to the faulting instruction, count what retired and report it;</li>
 *   <li>a block ending in a jump to its own start loops inside the method while a whole block of budget is left
 *       and the vCPU has no pending event.</li>
 * </ul>
 *
 * Methods must stay below HotSpot's 8,000-byte compile limit: a block whose code is larger is cut in half.
 */
public final class BlockTranslator {
    /** The method of the generated class and its descriptor. */
    public static final String METHOD = "run";
    private static final String DESC = "(L" + Emitter.EXECUTOR + ";L" + Emitter.BLOCK + ";J)I";
    private static final int MAX_CODE = 7500;
    private static final int MAX_STACK = 24;

    private BlockTranslator() {
    }

    /** A translation: class bytes and the number of instructions they cover (the rest run interpreted). */
    public record Result(byte[] classBytes, int translated) {
    }

    /**
     * Translates the region {@code blocks} (decoded at {@code rips}; the first is the entry, the others blocks of the
     * same page it may jump to) into a class named {@code internalName} extending {@code superName}, or returns
     * null when the entry's first instruction is not translatable. Only an entry translated whole takes other
     * blocks along, and only those translatable whole; a jump to any of them stays inside the method.
     */
    public static Result translate(List<Insn[]> blocks, long[] rips, String internalName, String superName) {
        Insn[] entry = blocks.get(0);
        int n = 0;
        while (n < entry.length && supports(entry[n], n == entry.length - 1)) {
            n++;
        }
        List<Insn[]> region = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        region.add(entry);
        starts.add(rips[0]);
        for (int i = 1; i < blocks.size() && n == entry.length; i++) {
            if (whole(blocks.get(i))) {
                region.add(blocks.get(i));
                starts.add(rips[i]);
            }
        }
        int m = region.size();
        while (m > 1) {
            Result r = tryEmit(region.subList(0, m), starts, entry.length, internalName, superName);
            if (r != null) {
                return r;
            }
            m /= 2;
        }
        while (n > 0) {
            Result r = tryEmit(region.subList(0, 1), starts, n, internalName, superName);
            if (r != null) {
                return r;
            }
            n /= 2;
        }
        return null;
    }

    private static boolean whole(Insn[] code) {
        for (int k = 0; k < code.length; k++) {
            if (!supports(code[k], k == code.length - 1)) {
                return false;
            }
        }
        return true;
    }

    /** Emits once to learn the registers used and the size, then for real; null if the method is too large. */
    private static Result tryEmit(List<Insn[]> region, List<Long> starts, int n, String name, String superName) {
        Emitter probe;
        try {
            probe = emit(region, starts, n, name, superName, null);
        } catch (CodeBuffer.TooLarge e) {
            return null;
        }
        if (probe.code.length() > MAX_CODE) {
            return null;
        }
        Emitter real = emit(region, starts, n, name, superName, probe);
        return new Result(real.classBytes, n);
    }

    /** Whether the translator handles {@code in}; control transfers only as the block's last instruction. */
    static boolean supports(Insn in, boolean last) {
        int op = Specializer.generic(in.op);
        if (ControlEmitter.supports(op)) {
            return last;
        }
        return !in.branch && (MoveEmitter.supports(op, in) || ArithEmitter.supports(op, in));
    }

    private static FlagUse flagUse(Insn in) {
        int op = Specializer.generic(in.op);
        if (ArithEmitter.supports(op, in)) {
            return ArithEmitter.flagUse(op, in);
        }
        return op == Op.JCC ? FlagUse.READS : FlagUse.PASSES;
    }

    /** Whether the instruction can leave the block before completing (a fault) or just after (a store). */
    private static boolean mayLeave(Insn in) {
        int op = Specializer.generic(in.op);
        return in.mem || op == Op.PUSH_R || op == Op.PUSH_I || op == Op.POP_R || op == Op.LEAVE
                || op == Op.MULDIV_R || op == Op.MULDIV_M || op == Op.CALL || op == Op.RET || op == Op.JMP_R
                || op == Op.CALL_R;
    }

    /** liveAfter[k]: the flags after instruction k are read before being overwritten, or may leave the block. */
    private static boolean[] flagLiveness(Insn[] code, int n) {
        boolean[] liveAfter = new boolean[n];
        boolean live = true; // at the end of the translated part the flags go back to the Cpu
        for (int k = n - 1; k >= 0; k--) {
            Insn in = code[k];
            if (mayLeave(in)) {
                live = true; // a store may end the block right after it
            }
            liveAfter[k] = live;
            FlagUse use = flagUse(in);
            if (use == FlagUse.WRITES) {
                live = false;
            }
            if (use == FlagUse.READS || mayLeave(in)) {
                live = true;
            }
        }
        return liveAfter;
    }

    /** The method for the region; the entry's first {@code n} instructions when it is alone and partial. */
    private static Emitter emit(List<Insn[]> region, List<Long> starts, int n, String name, String superName,
                                Emitter probe) {
        ClassFile cf = new ClassFile(name, superName);
        CodeBuffer c = cf.newCode();
        Emitter e = new Emitter(c);
        boolean[] load = new boolean[16];
        boolean[] store = new boolean[16];
        boolean flags = true;
        if (probe != null) {
            for (int r = 0; r < 16; r++) {
                load[r] = probe.used[r] || probe.written[r];
                store[r] = probe.written[r];
            }
            flags = probe.flagsWritten;
        } else {
            java.util.Arrays.fill(load, true);
            java.util.Arrays.fill(store, true);
        }
        prologue(c, load);
        CodeBuffer.Label tryStart = new CodeBuffer.Label();
        CodeBuffer.Label tryEnd = new CodeBuffer.Label();
        CodeBuffer.Label exit = new CodeBuffer.Label();
        c.place(tryStart);
        Insn[] entry = region.get(0);
        boolean whole = n == entry.length;
        CodeBuffer.Label[] heads = new CodeBuffer.Label[region.size()];
        for (int i = 0; i < region.size(); i++) {
            heads[i] = new CodeBuffer.Label();
            if (whole) {
                Insn[] code = region.get(i);
                e.exits.addBlock(starts.get(i), heads[i], code.length);
                if (Specializer.generic(code[code.length - 1].op) == Op.CALL) {
                    e.exits.addReturnSite(code[code.length - 1].nextRip);
                }
            }
        }
        for (int i = 0; i < region.size(); i++) {
            c.place(heads[i]);
            Insn[] code = region.get(i);
            int count = i == 0 ? n : code.length;
            boolean[] liveAfter = flagLiveness(code, count);
            for (int k = 0; k < count; k++) {
                Insn in = code[k];
                int op = Specializer.generic(in.op);
                e.startInstruction(k, in, liveAfter[k]);
                if (ControlEmitter.supports(op)) {
                    ControlEmitter.emit(e, op, in, k + 1, exit);
                } else if (MoveEmitter.supports(op, in)) {
                    MoveEmitter.emit(e, op, in);
                } else {
                    ArithEmitter.emit(e, op, in);
                }
            }
            Insn last = code[count - 1];
            if (!whole) {
                // the interpreter runs the rest of the block from instruction n
                c.lconst(last.nextRip);
                e.lstore(Emitter.TRIP);
                e.exits.addDone(n);
                c.iconst(~n);
                c.local(ISTORE, Emitter.STATUS);
                c.jump(GOTO, exit);
            } else if (!ControlEmitter.supports(Specializer.generic(last.op))) {
                e.exits.jump(count, last.nextRip);
            }
        }
        c.place(tryEnd);
        e.exits.emitStubs(exit);
        c.place(exit);
        writeBack(c, store, flags);
        c.local(ALOAD, Emitter.C);
        c.local(LLOAD, Emitter.TRIP);
        c.putfield(Emitter.CPU, "rip", "J");
        c.local(ALOAD, Emitter.X);
        c.op(DUP);
        c.getfield(Emitter.EXECUTOR, "retired", "J");
        c.local(LLOAD, Emitter.DONE);
        c.op(LADD);
        c.putfield(Emitter.EXECUTOR, "retired", "J");
        c.local(ILOAD, Emitter.STATUS);
        c.op(IRETURN);
        // a guest fault or an MMIO read exit: the locals hold the state before the instruction at FRIP
        CodeBuffer.Label handler = new CodeBuffer.Label();
        c.place(handler);
        c.local(ASTORE, Emitter.EXCEPTION);
        writeBack(c, store, flags);
        c.local(ALOAD, Emitter.X);
        c.local(LLOAD, Emitter.FRIP);
        c.local(ILOAD, Emitter.IDX);
        c.local(LLOAD, Emitter.DONE);
        c.local(ALOAD, Emitter.EXCEPTION);
        c.invokevirtual(Emitter.EXECUTOR, "jitStop", "(JIJLjava/lang/RuntimeException;)I");
        c.op(IRETURN);
        c.exceptionHandler(tryStart, tryEnd, handler, "java/lang/RuntimeException");
        cf.addMethod(METHOD, DESC, c, MAX_STACK, Emitter.MAX_LOCALS);
        e.classBytes = probe == null ? null : cf.toBytes();
        return e;
    }

    private static void prologue(CodeBuffer c, boolean[] load) {
        c.local(ALOAD, Emitter.X);
        c.getfield(Emitter.EXECUTOR, "c", "L" + Emitter.CPU + ";");
        c.local(ASTORE, Emitter.C);
        c.local(ALOAD, Emitter.X);
        c.getfield(Emitter.EXECUTOR, "m", "L" + Emitter.MMU + ";");
        c.local(ASTORE, Emitter.M);
        c.local(ALOAD, Emitter.X);
        c.getfield(Emitter.EXECUTOR, "regs", "[J");
        c.local(ASTORE, Emitter.REGS);
        c.local(ALOAD, Emitter.X);
        c.iconst(0);
        c.putfield(Emitter.EXECUTOR, "abort", "Z");
        c.iconst(0);
        c.local(ISTORE, Emitter.IDX);
        c.iconst(0);
        c.local(ISTORE, Emitter.STATUS);
        c.op(LCONST_0);
        c.local(LSTORE, Emitter.DONE);
        c.op(LCONST_0);
        c.local(LSTORE, Emitter.TRIP);
        c.op(LCONST_0);
        c.local(LSTORE, Emitter.FRIP);
        for (int r = 0; r < 16; r++) {
            if (load[r]) {
                c.local(ALOAD, Emitter.REGS);
                c.iconst(r);
                c.op(LALOAD);
                c.local(LSTORE, Emitter.reg(r));
            }
        }
        c.local(ALOAD, Emitter.C);
        c.getfield(Emitter.CPU, "flagResult", "J");
        c.local(LSTORE, Emitter.FR);
        c.local(ALOAD, Emitter.C);
        c.getfield(Emitter.CPU, "flagAux", "J");
        c.local(LSTORE, Emitter.FX);
    }

    private static void writeBack(CodeBuffer c, boolean[] store, boolean flags) {
        for (int r = 0; r < 16; r++) {
            if (store[r]) {
                c.local(ALOAD, Emitter.REGS);
                c.iconst(r);
                c.local(LLOAD, Emitter.reg(r));
                c.op(LASTORE);
            }
        }
        if (flags) {
            c.local(ALOAD, Emitter.C);
            c.local(LLOAD, Emitter.FR);
            c.putfield(Emitter.CPU, "flagResult", "J");
            c.local(ALOAD, Emitter.C);
            c.local(LLOAD, Emitter.FX);
            c.putfield(Emitter.CPU, "flagAux", "J");
        }
    }
}
