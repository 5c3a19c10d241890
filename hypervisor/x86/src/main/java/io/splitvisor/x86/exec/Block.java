package io.splitvisor.x86.exec;

import io.splitvisor.x86.decode.Insn;

/**
 * A decoded basic block: straight-line instructions ending in a control transfer, a state change that matters to
 * decoding or interrupts, the end of a page, or a length cap. Cached per virtual RIP and physical page, with two
 * cached successors (valid while {@link #linkEpoch} equals the code cache's epoch).
 */
final class Block {
    final long rip;
    final long phys;
    final long phys2;
    final Insn[] code;
    final int count;
    boolean valid = true;
    Block hashNext;
    long linkEpoch = -1;
    long linkRip0 = -1;
    long linkRip1 = -1;
    Block link0;
    Block link1;
    /** Its JVM bytecode once hot (see {@link Translations}); null while interpreted. */
    Translation translation;
    int heat;

    Block(long rip, long phys, long phys2, Insn[] code) {
        this.rip = rip;
        this.phys = phys;
        this.phys2 = phys2;
        this.code = code;
        this.count = code.length;
    }
}
