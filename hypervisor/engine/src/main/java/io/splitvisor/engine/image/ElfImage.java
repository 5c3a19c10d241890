package io.splitvisor.engine.image;

import io.splitvisor.engine.GuestMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A parsed and validated static ELF64 x86-64 executable: its loadable segments and entry point.
 * Nothing in the file is trusted: every offset and size is checked against the file and against
 * the other segments, and a bad file gives a one-line {@link ElfFormatException}. The hypervisor's loader
 * places it with page permissions; the engine tools copy it identity-mapped with {@link #copyInto}.
 */
public final class ElfImage {
    private static final int EM_X86_64 = 62;
    private static final int ET_EXEC = 2;
    private static final int PT_LOAD = 1;
    private static final int PHDR_SIZE = 56;
    private static final int MAX_SEGMENTS = 64;
    public static final int PF_X = 1;
    public static final int PF_W = 2;
    public static final int PF_R = 4;

    /** One PT_LOAD segment: {@code fileSize} bytes from the file, then zeros up to {@code memSize}. */
    public record Segment(long address, long memSize, long fileOffset, long fileSize, int flags) {
        public long end() {
            return address + memSize;
        }

        public boolean executable() {
            return (flags & PF_X) != 0;
        }

        public boolean writable() {
            return (flags & PF_W) != 0;
        }
    }

    private final byte[] file;
    private final long entry;
    private final List<Segment> segments;

    private ElfImage(byte[] file, long entry, List<Segment> segments) {
        this.file = file;
        this.entry = entry;
        this.segments = List.copyOf(segments);
    }

    public long entry() {
        return entry;
    }

    /** Loadable segments in address order. */
    public List<Segment> segments() {
        return segments;
    }

    /** The bytes of a segment that come from the file. */
    public byte[] fileBytes(Segment s) {
        byte[] out = new byte[(int) s.fileSize()];
        System.arraycopy(file, (int) s.fileOffset(), out, 0, out.length);
        return out;
    }

    public long lowestAddress() {
        return segments.get(0).address();
    }

    public long highestAddress() {
        return segments.get(segments.size() - 1).end();
    }

    /** Parses {@code file} (named {@code name} in messages). */
    public static ElfImage parse(String name, byte[] file) throws ElfFormatException {
        if (file.length < 4 || file[0] != 0x7F || file[1] != 'E' || file[2] != 'L' || file[3] != 'F') {
            throw new ElfFormatException(name + " is not an ELF file");
        }
        if (file.length < 64) {
            throw new ElfFormatException(name + " is too short for an ELF64 header (" + file.length + " bytes)");
        }
        if (file[4] != 2) {
            throw new ElfFormatException(name + " is not a 64-bit ELF file (guests must be ELF64 x86-64)");
        }
        if (file[5] != 1) {
            throw new ElfFormatException(name + " is not little-endian");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int type = b.getShort(16) & 0xFFFF;
        int machine = b.getShort(18) & 0xFFFF;
        if (machine != EM_X86_64) {
            throw new ElfFormatException(name + " is for machine " + machine + ", not x86-64 (62)");
        }
        if (type != ET_EXEC) {
            throw new ElfFormatException(name + " is not a static executable (ELF type " + type
                    + "; link with -static -no-pie)");
        }
        long entry = b.getLong(24);
        long phoff = b.getLong(32);
        int phentsize = b.getShort(54) & 0xFFFF;
        int phnum = b.getShort(56) & 0xFFFF;
        if (phentsize != PHDR_SIZE) {
            throw new ElfFormatException(name + " has program headers of " + phentsize + " bytes, not " + PHDR_SIZE);
        }
        if (phnum == 0 || phnum > MAX_SEGMENTS * 4) {
            throw new ElfFormatException(name + " has " + phnum + " program headers");
        }
        if (phoff < 0 || phoff > file.length || (long) phnum * PHDR_SIZE > file.length - phoff) {
            throw new ElfFormatException(name + ": program headers lie outside the file");
        }
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * PHDR_SIZE);
            if (b.getInt(at) != PT_LOAD) {
                continue;
            }
            segments.add(segment(name, b, at, file.length, i));
        }
        if (segments.isEmpty()) {
            throw new ElfFormatException(name + " has no loadable segment");
        }
        if (segments.size() > MAX_SEGMENTS) {
            throw new ElfFormatException(name + " has more than " + MAX_SEGMENTS + " loadable segments");
        }
        segments.sort(Comparator.comparingLong(Segment::address));
        for (int i = 1; i < segments.size(); i++) {
            if (segments.get(i).address() < segments.get(i - 1).end()) {
                throw new ElfFormatException(String.format("%s: segments at 0x%x and 0x%x overlap", name,
                        segments.get(i - 1).address(), segments.get(i).address()));
            }
        }
        boolean entryOk = segments.stream().anyMatch(s -> s.executable() && entry >= s.address() && entry < s.end());
        if (!entryOk) {
            throw new ElfFormatException(String.format("%s: entry point 0x%x is not inside an executable segment", name, entry));
        }
        return new ElfImage(file, entry, segments);
    }

    private static Segment segment(String name, ByteBuffer b, int at, int fileLength, int index)
            throws ElfFormatException {
        int flags = b.getInt(at + 4);
        long offset = b.getLong(at + 8);
        long vaddr = b.getLong(at + 16);
        long paddr = b.getLong(at + 24);
        long filesz = b.getLong(at + 32);
        long memsz = b.getLong(at + 40);
        String where = String.format("%s: segment %d at 0x%x", name, index, vaddr);
        if (vaddr != paddr) {
            throw new ElfFormatException(where + " has physical address 0x" + Long.toHexString(paddr)
                    + "; guests are identity-mapped, so they must be equal");
        }
        if (filesz < 0 || memsz < 0 || filesz > memsz) {
            throw new ElfFormatException(where + " has file size " + filesz + " larger than its memory size " + memsz);
        }
        if (offset < 0 || offset > fileLength || filesz > fileLength - offset) {
            throw new ElfFormatException(where + " lies outside the file");
        }
        if (vaddr < 0 || memsz > (1L << 40) || vaddr + memsz < vaddr) {
            throw new ElfFormatException(where + " has an impossible size " + memsz);
        }
        return new Segment(vaddr, memsz, offset, filesz, flags);
    }

    /**
     * Copies every segment into {@code memory} at its own address (identity mapping, no permissions), zero-filling
     * past the file bytes: the bare engine tools' way of loading a program.
     *
     * @throws ElfFormatException when a segment or the entry point lies outside guest RAM
     */
    public void copyInto(GuestMemory memory) throws ElfFormatException {
        for (Segment s : segments) {
            if (!memory.isRamRange(s.address(), s.memSize())) {
                throw new ElfFormatException(String.format("ELF segment 0x%x-0x%x is outside guest memory",
                        s.address(), s.end()));
            }
        }
        for (Segment s : segments) {
            memory.write(s.address(), file, (int) s.fileOffset(), (int) s.fileSize());
            memory.fill(s.address() + s.fileSize(), s.memSize() - s.fileSize(), (byte) 0);
        }
    }
}
