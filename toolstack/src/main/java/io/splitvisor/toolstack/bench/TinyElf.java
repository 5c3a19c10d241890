package io.splitvisor.toolstack.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes the smallest guest there is: one executable segment at 1 MiB whose first instruction
 * ends the domain through the debug exit port. Used to time creation up to the first instruction.
 */
public final class TinyElf {
    private static final long BASE = 0x100000;
    private static final int HEADERS = 64 + 56;
    /** mov al, 0; out 0xf4, al; hlt */
    private static final byte[] CODE = {(byte) 0xB0, 0x00, (byte) 0xE6, (byte) 0xF4, (byte) 0xF4};

    private TinyElf() {
    }

    public static byte[] exitAtFirstInstruction() {
        ByteBuffer b = ByteBuffer.allocate(HEADERS + CODE.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0}).putLong(0);
        b.putShort((short) 2).putShort((short) 62).putInt(1);          // ET_EXEC, x86-64, version
        b.putLong(BASE + HEADERS).putLong(64).putLong(0);              // entry, phoff, shoff
        b.putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) 1);   // flags, sizes, phnum
        b.putShort((short) 64).putShort((short) 0).putShort((short) 0);
        b.putInt(1).putInt(5);                                          // PT_LOAD, R+X
        b.putLong(0).putLong(BASE).putLong(BASE);                       // offset, vaddr, paddr
        b.putLong(HEADERS + CODE.length).putLong(HEADERS + CODE.length).putLong(0x1000);
        b.put(CODE);
        return b.array();
    }
}
