package io.splitvisor.toolstack.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes the smallest guests there are: one executable segment at 1 MiB. One ends the domain through the debug
 * exit port at its first instruction (to time creation up to the first instruction); the other runs an integer
 * loop first (a CPU-bound guest with no exits, to compare engines).
 */
public final class TinyElf {
    private static final long BASE = 0x100000;
    private static final int HEADERS = 64 + 56;
    /** mov al, 0; out 0xf4, al; hlt */
    private static final byte[] CODE = {(byte) 0xB0, 0x00, (byte) 0xE6, (byte) 0xF4, (byte) 0xF4};

    private TinyElf() {
    }

    public static byte[] exitAtFirstInstruction() {
        return elf(CODE);
    }

    /**
     * {@code mov rcx, iterations; 1: add rax, rcx; xor rdx, rax; sub rbx, 3; dec rcx; jnz 1b}, then exit code 0
     * through the debug exit port: five instructions per iteration, no exits until the end.
     */
    public static byte[] integerLoop(long iterations) {
        if (iterations < 1 || iterations > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("loop iterations must be 1.." + Integer.MAX_VALUE + ": " + iterations);
        }
        ByteBuffer code = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        code.put(new byte[] {0x48, (byte) 0xC7, (byte) 0xC1}).putInt((int) iterations);   // mov rcx, imm32
        code.put(new byte[] {0x48, 0x01, (byte) 0xC8, 0x48, 0x31, (byte) 0xC2, 0x48, (byte) 0x83, (byte) 0xEB, 0x03,
            0x48, (byte) 0xFF, (byte) 0xC9, 0x75, (byte) 0xF1});                              // the loop body, jnz -15
        code.put(CODE);
        return elf(java.util.Arrays.copyOf(code.array(), code.position()));
    }

    private static byte[] elf(byte[] code) {
        ByteBuffer b = ByteBuffer.allocate(HEADERS + code.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0}).putLong(0);
        b.putShort((short) 2).putShort((short) 62).putInt(1);          // ET_EXEC, x86-64, version
        b.putLong(BASE + HEADERS).putLong(64).putLong(0);              // entry, phoff, shoff
        b.putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) 1);   // flags, sizes, phnum
        b.putShort((short) 64).putShort((short) 0).putShort((short) 0);
        b.putInt(1).putInt(5);                                          // PT_LOAD, R+X
        b.putLong(0).putLong(BASE).putLong(BASE);                       // offset, vaddr, paddr
        b.putLong(HEADERS + code.length).putLong(HEADERS + code.length).putLong(0x1000);
        b.put(code);
        return b.array();
    }
}
