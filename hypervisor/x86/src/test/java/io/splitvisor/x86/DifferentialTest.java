package io.splitvisor.x86;

import static org.junit.jupiter.api.Assertions.fail;

import io.splitvisor.x86.diff.DiffRunner;
import org.junit.jupiter.api.Test;

/**
 * Differential testing against the host CPU: random instruction cases run natively (gcc-built harness) and on the
 * interpreter, comparing registers, defined flags, path and memory. {@code -Dsplitvisor.diff.cases=N} and
 * {@code -Dsplitvisor.diff.seed=S} reproduce or soak.
 */
class DifferentialTest {
    @Test
    void interpreterMatchesHostCpu() throws Exception {
        long cases = Long.getLong("splitvisor.diff.cases", 200_000);
        long seed = Long.getLong("splitvisor.diff.seed", System.nanoTime());
        String report = DiffRunner.run(seed, cases, 20);
        if (report != null) {
            fail(report);
        }
    }
}
