package io.splitvisor.x86.loader;

import io.splitvisor.engine.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A static x86-64 ELF executable: its entry point and loadable segments. {@link #parse} refuses a malformed file
 * with an IllegalArgumentException whose one-line message names the problem.
 */
public record ElfImage(long entry, List<Segment> segments, byte[] file) {
    /** One PT_LOAD segment. */
    public record Segment(long address, long fileOffset, long fileSize, long memorySize) {
    }

    private static final int PT_LOAD = 1;

    public static ElfImage parse(byte[] f) {
        if (f.length < 4 || f[0] != 0x7F || f[1] != 'E' || f[2] != 'L' || f[3] != 'F') {
            throw new IllegalArgumentException("malformed ELF: no ELF magic");
        }
        if (f.length < 64) {
            throw new IllegalArgumentException("malformed ELF: file too short for an ELF64 header (" + f.length
                    + " bytes)");
        }
        if (f[4] != 2) {
            throw new IllegalArgumentException("malformed ELF: not a 64-bit ELF (class " + f[4] + ")");
        }
        if (f[5] != 1) {
            throw new IllegalArgumentException("malformed ELF: not little-endian");
        }
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        int type = b.getShort(16) & 0xFFFF;
        int machine = b.getShort(18) & 0xFFFF;
        if (machine != 62) {
            throw new IllegalArgumentException("malformed ELF: machine " + machine + " is not x86-64 (62)");
        }
        if (type != 2) {
            throw new IllegalArgumentException("malformed ELF: type " + type + " is not a static executable (2)");
        }
        long entry = b.getLong(24);
        long phoff = b.getLong(32);
        int phentsize = b.getShort(54) & 0xFFFF;
        int phnum = b.getShort(56) & 0xFFFF;
        if (phnum == 0) {
            throw new IllegalArgumentException("malformed ELF: no program headers");
        }
        if (phentsize != 56 || phoff < 0 || phoff + (long) phnum * phentsize > f.length) {
            throw new IllegalArgumentException("malformed ELF: program header table outside the file");
        }
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int h = (int) (phoff + (long) i * phentsize);
            if (b.getInt(h) != PT_LOAD) {
                continue;
            }
            long offset = b.getLong(h + 8);
            long vaddr = b.getLong(h + 16);
            long filesz = b.getLong(h + 32);
            long memsz = b.getLong(h + 40);
            if (offset < 0 || filesz < 0 || offset + filesz > f.length || offset + filesz < offset) {
                throw new IllegalArgumentException("malformed ELF: segment " + i + " lies outside the file");
            }
            if (memsz < filesz || vaddr < 0 || vaddr + memsz < vaddr) {
                throw new IllegalArgumentException("malformed ELF: segment " + i + " has bad sizes or address");
            }
            segments.add(new Segment(vaddr, offset, filesz, memsz));
        }
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("malformed ELF: no loadable segment");
        }
        return new ElfImage(entry, List.copyOf(segments), f);
    }

    /** Copies the segments into guest memory (identity-mapped: address = guest-physical address). */
    public void load(GuestMemory memory) {
        for (Segment s : segments) {
            if (!memory.isRamRange(s.address(), s.memorySize())) {
                throw new IllegalArgumentException(String.format(
                        "ELF segment 0x%x-0x%x is outside guest memory", s.address(), s.address() + s.memorySize()));
            }
        }
        if (!memory.isRamRange(entry, 1)) {
            throw new IllegalArgumentException(String.format("entry point 0x%x is outside guest memory", entry));
        }
        for (Segment s : segments) {
            memory.write(s.address(), file, (int) s.fileOffset(), (int) s.fileSize());
            memory.fill(s.address() + s.fileSize(), s.memorySize() - s.fileSize(), (byte) 0);
        }
    }
}
