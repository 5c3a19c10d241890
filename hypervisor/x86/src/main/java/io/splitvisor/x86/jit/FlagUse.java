package io.splitvisor.x86.jit;

/** How an instruction treats the six arithmetic flags, for the per-block flag liveness. */
enum FlagUse {
    /** Reads them (or hands them to interpreter code that may): the flags before it must be exact. */
    READS,
    /** Overwrites all of them without reading: the flags before it are dead unless something else needs them. */
    WRITES,
    /** Leaves them alone, or keeps some and sets the rest only when the flags after it are needed (INC, DEC). */
    PASSES
}
