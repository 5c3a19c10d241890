package io.splitvisor.engine;

/**
 * The description of the last exit of a vCPU. One instance is owned and reused by each vCPU (no allocation per
 * exit); call {@link #copy()} to keep it past the next {@link Vcpu#run}.
 */
public final class Exit {
    private ExitReason reason = ExitReason.STOP_REQUESTED;
    private int port;
    private int size;
    private long data;
    private int count;
    private long address;
    private int faultVector = -1;
    private long faultErrorCode;
    private String detail = "";
    private final byte[] stringBuffer = new byte[MAX_STRING_BYTES];
    private int stringBytes;

    /** The most bytes one string I/O exit carries (one 4 KiB page). */
    public static final int MAX_STRING_BYTES = 4096;

    public ExitReason reason() {
        return reason;
    }

    /** I/O port of an IO_IN/IO_OUT exit. */
    public int port() {
        return port;
    }

    /** Access size in bytes (1, 2, 4 or 8) of an I/O or MMIO exit. */
    public int size() {
        return size;
    }

    /** Data written by IO_OUT or MMIO_WRITE (zero-extended to 64 bits). */
    public long data() {
        return data;
    }

    /**
     * Number of elements of a string I/O instruction this exit stands for: 1 for IN and OUT; for INS and OUTS with
     * batching on, up to a page of elements. A string OUT carries them in {@link #stringData()} ({@link #data()}
     * holds the first); for a string IN the host writes them into {@link #stringBuffer()} ({@code count} elements
     * of {@code size} bytes, little-endian) and then calls {@link Vcpu#completeIn} (its argument is ignored).
     */
    public int count() {
        return count;
    }

    /**
     * The elements of a string OUT exit ({@code count} elements of {@code size} bytes, little-endian), or an empty
     * buffer. Read-only, valid until the next run.
     */
    public java.nio.ByteBuffer stringData() {
        return java.nio.ByteBuffer.wrap(stringBuffer, 0, stringBytes).slice().asReadOnlyBuffer()
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    /** The buffer of a string exit: gathered by the engine for OUT, filled by the host for IN. */
    public byte[] stringBuffer() {
        return stringBuffer;
    }

    /** Engine side: a string OUT exit of {@code count} elements already placed in {@link #stringBuffer()}. */
    public Exit stringOut(int port, int size, int count) {
        reset(ExitReason.IO_OUT);
        this.port = port;
        this.size = size;
        this.count = count;
        this.stringBytes = size * count;
        long first = 0;
        for (int i = size - 1; i >= 0; i--) {
            first = first << 8 | (stringBuffer[i] & 0xFF);
        }
        this.data = first;
        return this;
    }

    /** Engine side: a string IN exit asking for {@code count} elements of {@code size} bytes from {@code port}. */
    public Exit stringIn(int port, int size, int count) {
        reset(ExitReason.IO_IN);
        this.port = port;
        this.size = size;
        this.count = count;
        this.stringBytes = size * count;
        return this;
    }

    /** Guest-physical address of an MMIO exit. */
    public long address() {
        return address;
    }

    /** For SHUTDOWN: the vector of the exception that could not be delivered, or -1. */
    public int faultVector() {
        return faultVector;
    }

    public long faultErrorCode() {
        return faultErrorCode;
    }

    /** Human-readable detail (empty when there is nothing to add). */
    public String detail() {
        return detail;
    }

    public boolean isIo() {
        return reason == ExitReason.IO_IN || reason == ExitReason.IO_OUT;
    }

    public boolean isMmio() {
        return reason == ExitReason.MMIO_READ || reason == ExitReason.MMIO_WRITE;
    }

    /** True for IO_IN and MMIO_READ: the guest waits for data. */
    public boolean isRead() {
        return reason == ExitReason.IO_IN || reason == ExitReason.MMIO_READ;
    }

    public Exit io(boolean in, int port, int size, long data, int count) {
        reset(in ? ExitReason.IO_IN : ExitReason.IO_OUT);
        this.port = port;
        this.size = size;
        this.data = data;
        this.count = count;
        return this;
    }

    public Exit mmio(boolean read, long address, int size, long data) {
        reset(read ? ExitReason.MMIO_READ : ExitReason.MMIO_WRITE);
        this.address = address;
        this.size = size;
        this.data = data;
        this.count = 1;
        return this;
    }

    public Exit shutdown(int faultVector, long errorCode, String detail) {
        reset(ExitReason.SHUTDOWN);
        this.faultVector = faultVector;
        this.faultErrorCode = errorCode;
        this.detail = detail;
        return this;
    }

    public Exit simple(ExitReason r) {
        reset(r);
        return this;
    }

    public Exit withDetail(String d) {
        this.detail = d;
        return this;
    }

    private void reset(ExitReason r) {
        reason = r;
        port = 0;
        size = 0;
        data = 0;
        count = 0;
        address = 0;
        faultVector = -1;
        faultErrorCode = 0;
        detail = "";
        stringBytes = 0;
    }

    public Exit copy() {
        Exit e = new Exit();
        e.reason = reason;
        e.port = port;
        e.size = size;
        e.data = data;
        e.count = count;
        e.address = address;
        e.faultVector = faultVector;
        e.faultErrorCode = faultErrorCode;
        e.detail = detail;
        e.stringBytes = stringBytes;
        System.arraycopy(stringBuffer, 0, e.stringBuffer, 0, stringBytes);
        return e;
    }

    @Override
    public String toString() {
        return switch (reason) {
            case IO_IN, IO_OUT -> String.format("%s port=0x%x size=%d data=0x%x count=%d", reason, port, size, data,
                    count);
            case MMIO_READ, MMIO_WRITE -> String.format("%s address=0x%x size=%d data=0x%x", reason, address, size,
                    data);
            case SHUTDOWN -> "SHUTDOWN vector=" + faultVector + (detail.isEmpty() ? "" : " (" + detail + ")");
            default -> reason.toString() + (detail.isEmpty() ? "" : " (" + detail + ")");
        };
    }
}
