package io.splitvisor.x86.exec;

import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.NativeAccess;
import io.splitvisor.x86.cpu.Cpu;
import io.splitvisor.x86.cpu.GuestFault;
import io.splitvisor.x86.cpu.Mmu;
import io.splitvisor.x86.decode.Decoder;
import io.splitvisor.x86.decode.Insn;
import io.splitvisor.x86.decode.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * Decoded blocks, found by virtual RIP (a hash table) and checked against the physical page they were decoded
 * from; indexed by physical page for invalidation. Pages holding blocks are marked as code pages in guest memory,
 * so the MMU sends stores to them down the slow path, which invalidates the page's blocks.
 */
final class CodeCache {
    static final int MAX_BLOCK = 64;
    private static final int HASH_BITS = 14;
    private static final int MAX_BLOCKS = 1 << 16;
    private static final sun.misc.Unsafe U = NativeAccess.UNSAFE;

    private final Block[] table = new Block[1 << HASH_BITS];
    private final HashMap<Long, List<Block>> byPage = new HashMap<>();
    private final Cpu c;
    private final Mmu m;
    private final GuestMemory memory;
    private final Decoder decoder = new Decoder();
    private final ArrayList<Insn> scratch = new ArrayList<>();
    private int blockCount;
    /** Incremented whenever translations change: cached successor links from an older epoch are ignored. */
    long epoch;

    // the byte source of the block being decoded
    private long readerVpn = -1;
    private long readerHost;
    private long readerPhysPage;

    CodeCache(Cpu c, Mmu m, GuestMemory memory) {
        this.c = c;
        this.m = m;
        this.memory = memory;
    }

    private static int hash(long rip) {
        return (int) (rip ^ (rip >>> HASH_BITS) ^ (rip >>> 28)) & ((1 << HASH_BITS) - 1);
    }

    /** The block at {@code rip}, following {@code prev}'s cached links when possible. May raise #PF or #GP. */
    Block lookup(long rip, Block prev) {
        if (prev != null && prev.linkEpoch == epoch) {
            // any 64-bit value can be a RIP (even -1), so an empty slot is recognised by its null block
            Block l0 = prev.link0;
            if (l0 != null && prev.linkRip0 == rip && l0.valid) {
                return l0;
            }
            Block l1 = prev.link1;
            if (l1 != null && prev.linkRip1 == rip && l1.valid) {
                return l1;
            }
        }
        return lookupAndLink(rip, prev);
    }

    private Block lookupAndLink(long rip, Block prev) {
        Block b = find(rip);
        if (prev != null) {
            if (prev.linkEpoch != epoch) {
                prev.linkEpoch = epoch;
                prev.linkRip0 = prev.linkRip1 = -1;
                prev.link0 = prev.link1 = null;
            }
            if (prev.link0 == null || !prev.link0.valid) {
                prev.link0 = b;
                prev.linkRip0 = rip;
            } else {
                prev.link1 = b;
                prev.linkRip1 = rip;
            }
        }
        return b;
    }

    /**
     * The blocks a translation of {@code entry} may take along: those reached from it by direct jumps, calls (the
     * callee and the return address) and fall-throughs, breadth first, that have run before (the rest are likely
     * cold), all decoded from the entry's physical page and not crossing it, so a write
     * to that page, which drops the entry, drops them too. At most {@code maxBlocks}, entry first.
     */
    List<Block> region(Block entry, int maxBlocks) {
        List<Block> region = new ArrayList<>();
        region.add(entry);
        long page = entry.phys & ~0xFFFL;
        for (int i = 0; i < region.size() && region.size() < maxBlocks; i++) {
            Insn last = region.get(i).code[region.get(i).count - 1];
            int op = io.splitvisor.x86.decode.Specializer.generic(last.op);
            long[] next = op == Op.JCC || op == Op.CALL ? new long[] {last.imm, last.nextRip}
                    : op == Op.JMP ? new long[] {last.imm} : last.branch ? new long[0] : new long[] {last.nextRip};
            for (long rip : next) {
                if (region.size() >= maxBlocks || ((rip ^ entry.rip) & ~0xFFFL) != 0 || contains(region, rip)) {
                    continue;
                }
                try {
                    Block b = find(rip);
                    if ((b.phys & ~0xFFFL) == page && b.phys2 < 0 && b.valid && b.heat > 0) {
                        region.add(b);
                    }
                } catch (GuestFault f) {
                    // not reachable from here: the jump leaves the translation
                }
            }
        }
        return region;
    }

    private static boolean contains(List<Block> blocks, long rip) {
        for (Block b : blocks) {
            if (b.rip == rip) {
                return true;
            }
        }
        return false;
    }

    private Block find(long rip) {
        long phys = m.fetchPhysical(rip);
        for (Block b = table[hash(rip)]; b != null; b = b.hashNext) {
            if (b.rip == rip && b.phys == phys && (b.phys2 < 0 || secondPageStill(b))) {
                return b;
            }
        }
        return build(rip, phys);
    }

    private boolean secondPageStill(Block b) {
        long next = (b.rip | 0xFFF) + 1;
        return (m.fetchPhysical(next) & ~0xFFFL) == b.phys2;
    }

    private Block build(long rip, long phys) {
        if (blockCount >= MAX_BLOCKS) {
            flushAll();
        }
        long firstPage = phys & ~0xFFFL;
        memory.markCodePage(firstPage);
        m.flushWrites();
        readerVpn = -1;
        scratch.clear();
        long pc = rip;
        long phys2 = -1;
        while (true) {
            Insn in;
            try {
                in = decoder.decode(this::byteAt, pc);
            } catch (GuestFault f) {
                if (scratch.isEmpty()) {
                    throw f;
                }
                break;
            }
            if (readerPhysPage != firstPage) {
                phys2 = readerPhysPage;
                memory.markCodePage(phys2);
                m.flushWrites();
            }
            scratch.add(in);
            pc = in.nextRip;
            if (in.endsBlock || scratch.size() >= MAX_BLOCK || ((pc ^ rip) & ~0xFFFL) != 0) {
                break;
            }
        }
        Block b = new Block(rip, phys, phys2, scratch.toArray(new Insn[0]));
        int h = hash(rip);
        b.hashNext = table[h];
        table[h] = b;
        byPage.computeIfAbsent(firstPage, k -> new ArrayList<>()).add(b);
        if (phys2 >= 0) {
            byPage.computeIfAbsent(phys2, k -> new ArrayList<>()).add(b);
        }
        blockCount++;
        return b;
    }

    private int byteAt(long va) {
        long vpn = va >>> 12;
        if (vpn != readerVpn) {
            long pa = m.fetchPhysical(va);
            long host = memory.hostPageAddress(pa);
            if (host < 0) {
                throw c.gp0(); // instruction fetch from MMIO space is not supported
            }
            readerVpn = vpn;
            readerHost = host;
            readerPhysPage = pa & ~0xFFFL;
        }
        return U.getByte(readerHost + (va & 0xFFF)) & 0xFF;
    }

    /** Drops every block decoded from physical page {@code page}. */
    void invalidatePage(long page) {
        List<Block> blocks = byPage.remove(page);
        memory.clearCodePage(page);
        if (blocks == null) {
            return;
        }
        for (Block b : blocks) {
            if (b.valid) {
                b.valid = false;
                unhash(b);
                blockCount--;
            }
        }
    }

    private void unhash(Block b) {
        int h = hash(b.rip);
        Block prev = null;
        for (Block x = table[h]; x != null; prev = x, x = x.hashNext) {
            if (x == b) {
                if (prev == null) {
                    table[h] = x.hashNext;
                } else {
                    prev.hashNext = x.hashNext;
                }
                return;
            }
        }
    }

    void flushAll() {
        org.slf4j.LoggerFactory.getLogger(CodeCache.class).debug("code cache full ({} blocks): flushed", blockCount);
        for (Long page : byPage.keySet()) {
            memory.clearCodePage(page);
            for (Block b : byPage.get(page)) {
                b.valid = false;
            }
        }
        byPage.clear();
        java.util.Arrays.fill(table, null);
        blockCount = 0;
        epoch++;
    }
}
