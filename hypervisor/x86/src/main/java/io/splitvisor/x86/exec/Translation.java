package io.splitvisor.x86.exec;

/**
 * A block compiled to JVM bytecode by {@link io.splitvisor.x86.jit.BlockTranslator}: a hidden class in this package
 * extends this one. Instances hold no state, so one serves every vCPU running the same code.
 */
abstract class Translation {
    /**
     * Runs the block (looping in place while it jumps to its own start) with at least {@code b.count} instructions
     * of {@code budget}. Returns {@link Executor#OK}, {@link Executor#FAULT} or {@link Executor#EXIT} with the same
     * meaning and state as {@link Executor#runBlock}, or {@code ~k}: the interpreter must run the block on from
     * instruction k.
     */
    abstract int run(Executor x, Block b, long budget);
}
