package io.splitvisor.x86.jit;

import static io.splitvisor.x86.jit.CodeBuffer.*;
import static io.splitvisor.x86.jit.Emitter.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How translated code leaves a block: exit stubs (store the state back, set RIP, count what retired, return to the
 * dispatcher), and jumps to the other blocks of the region, which stay inside the method while the instruction
 * budget allows and no event is pending.
 */
final class Exits {
    private final Emitter e;
    /** Exit stubs: leave the block after instruction {@code count - 1} with RIP {@code rip}. */
    private final List<Object[]> stubs = new ArrayList<>();
    private final Map<Long, CodeBuffer.Label> heads = new HashMap<>();
    private final Map<Long, Integer> counts = new HashMap<>();
    private final List<Long> returnSites = new ArrayList<>();

    Exits(Emitter e) {
        this.e = e;
    }

    /** A block of the region: a jump to {@code rip} goes to {@code head} instead of leaving the method. */
    void addBlock(long rip, CodeBuffer.Label head, int count) {
        heads.put(rip, head);
        counts.put(rip, count);
    }

    /** A CALL in the region returns to {@code rip}: a RET to it may stay inside the method. */
    void addReturnSite(long rip) {
        if (!returnSites.contains(rip)) {
            returnSites.add(rip);
        }
    }

    /** A RET to the address in {@code slot}: a return site in the region is jumped to, anything else exits. */
    void ret(int count, int slot, CodeBuffer.Label exit) {
        for (long site : returnSites) {
            if (heads.containsKey(site)) {
                CodeBuffer.Label other = new CodeBuffer.Label();
                e.lload(slot);
                e.code.lconst(site);
                e.code.op(LCMP);
                e.code.jump(IFNE, other);
                jump(count, site);
                e.code.place(other);
            }
        }
        exitDynamic(count, slot, exit);
    }

    /**
     * Leaves the current block, {@code count} instructions done, for {@code target}: inside the method when the
     * target is a block of the region, a whole block of budget is left and the vCPU has no pending event (stop,
     * interrupt, code written by another thread); else through an exit.
     */
    void jump(int count, long target) {
        CodeBuffer.Label head = heads.get(target);
        if (head == null) {
            e.code.jump(GOTO, stub(count, target));
            return;
        }
        CodeBuffer.Label out = stub(0, target);
        addDone(count);
        e.lload(BUDGET);
        e.lload(DONE);
        e.code.op(LSUB);
        e.code.lconst(counts.get(target));
        e.code.op(LCMP);
        e.code.jump(IFLT, out);
        e.code.local(ALOAD, X);
        e.code.getfield(EXECUTOR, "vcpu", "L" + VCPU + ";");
        e.code.getfield(VCPU, "async", "I");
        e.code.jump(IFNE, out);
        e.code.jump(GOTO, head);
    }

    /** A label that leaves the block with {@code count} instructions done and RIP {@code rip}. */
    CodeBuffer.Label stub(int count, long rip) {
        for (Object[] s : stubs) {
            if ((int) s[0] == count && (long) s[1] == rip) {
                return (CodeBuffer.Label) s[2];
            }
        }
        CodeBuffer.Label l = new CodeBuffer.Label();
        stubs.add(new Object[] {count, rip, l});
        return l;
    }

    /** Leaves the block now with {@code count} instructions done and the RIP in {@code ripSlot}. */
    void exitDynamic(int count, int ripSlot, CodeBuffer.Label exit) {
        e.lload(ripSlot);
        e.lstore(TRIP);
        addDone(count);
        e.code.iconst(0);
        e.code.local(ISTORE, STATUS);
        e.code.jump(GOTO, exit);
    }

    void addDone(int count) {
        if (count != 0) {
            e.lload(DONE);
            e.code.lconst(count);
            e.code.op(LADD);
            e.lstore(DONE);
        }
    }

    /** Emits the exit stubs collected so far; each jumps to {@code exit} (status OK). */
    void emitStubs(CodeBuffer.Label exit) {
        for (Object[] s : stubs) {
            e.code.place((CodeBuffer.Label) s[2]);
            e.code.lconst((long) s[1]);
            e.lstore(TRIP);
            addDone((int) s[0]);
            e.code.iconst(0);
            e.code.local(ISTORE, STATUS);
            e.code.jump(GOTO, exit);
        }
        stubs.clear();
    }
}
