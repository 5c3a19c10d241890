package io.splitvisor.x86.exec;

import io.splitvisor.x86.decode.Insn;
import io.splitvisor.x86.jit.BlockTranslator;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Translates hot blocks to JVM bytecode and defines them as hidden classes of this package, cached JVM-wide by the
 * decoded instructions (so a program run again, or on another vCPU, reuses classes HotSpot has already compiled).
 * System properties: {@code splitvisor.x86.jit} ({@code on} by default, {@code off} interprets everything) and
 * {@code splitvisor.x86.jit.threshold} (executions of a block before it is translated, default 50).
 */
final class Translations {
    static final boolean ENABLED = !"off".equals(System.getProperty("splitvisor.x86.jit", "on"));
    static final int THRESHOLD = Math.max(1, Integer.getInteger("splitvisor.x86.jit.threshold", 50));
    private static final int MAX_CACHED = 1 << 15;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Translations.class);
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final String NAME = "io/splitvisor/x86/exec/Translated";
    private static final String SUPER = "io/splitvisor/x86/exec/Translation";
    /** A block that cannot be translated (its first instruction is not supported). */
    private static final Translation NONE = new Translation() {
        @Override
        int run(Executor x, Block b, long budget) {
            return ~0;
        }
    };
    private static final ConcurrentHashMap<Key, Translation> CACHE = new ConcurrentHashMap<>();

    private Translations() {
    }

    /** Blocks of a region: a translated loop may span this many blocks of one page. */
    static final int REGION_BLOCKS = 16;

    /** The translation of {@code b} (with the blocks of {@code region} it jumps to), or null when none is possible. */
    static Translation of(List<Block> region) {
        Key key = Key.of(region);
        Translation t = CACHE.get(key);
        if (t == null) {
            if (CACHE.size() >= MAX_CACHED) {
                CACHE.clear();
            }
            t = define(region);
            Translation raced = CACHE.putIfAbsent(key, t);
            if (raced != null) {
                t = raced;
            }
        }
        return t == NONE ? null : t;
    }

    private static Translation define(List<Block> region) {
        List<Insn[]> code = new ArrayList<>();
        long[] rips = new long[region.size()];
        for (int i = 0; i < rips.length; i++) {
            code.add(region.get(i).code);
            rips[i] = region.get(i).rip;
        }
        Block b = region.get(0);
        try {
            BlockTranslator.Result r = BlockTranslator.translate(code, rips, NAME, SUPER);
            if (r == null) {
                return NONE;
            }
            Class<?> cls = LOOKUP.defineHiddenClass(r.classBytes(), true).lookupClass();
            return (Translation) cls.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            // a translator bug must cost speed, never correctness: this block stays interpreted
            LOG.error("translation of the block at 0x{} failed", Long.toHexString(b.rip), e);
            return NONE;
        }
    }

    /** Everything the translator reads from a block: equal keys give the same code. */
    private record Key(long[] words) {
        static Key of(List<Block> region) {
            int words = 0;
            for (Block b : region) {
                words += 2 + 7 * b.count;
            }
            long[] w = new long[words];
            int i = 0;
            for (Block b : region) {
                w[i++] = b.rip;
                w[i++] = b.count;
                i = put(w, i, b.code);
            }
            return new Key(w);
        }

        private static int put(long[] w, int at, Insn[] code) {
            int i = at;
            for (Insn in : code) {
                w[i++] = in.op | (long) in.size << 16 | (long) in.size2 << 24 | (long) in.len << 32
                        | (long) in.sub << 40;
                w[i++] = in.nextRip;
                w[i++] = in.reg | (long) in.rm << 8 | (long) in.base << 16 | (long) in.index << 24
                        | (long) in.scale << 32 | (long) in.eaSpecial << 40 | (long) (in.segment & 0xFF) << 48;
                w[i++] = in.disp;
                w[i++] = in.imm;
                w[i++] = in.imm2;
                w[i++] = (in.mem ? 1 : 0) | (in.addr32 ? 2 : 0) | (in.variant ? 4 : 0) | (in.lock ? 8 : 0)
                        | (in.branch ? 16 : 0) | (in.endsBlock ? 32 : 0) | (long) in.rep << 8 | (long) in.vreg << 16;
            }
            return i;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(words, k.words);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(words);
        }
    }
}
