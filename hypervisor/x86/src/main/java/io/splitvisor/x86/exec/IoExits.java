package io.splitvisor.x86.exec;

import io.splitvisor.engine.Exit;
import io.splitvisor.engine.ExitReason;
import io.splitvisor.x86.cpu.Cpu;
import io.splitvisor.x86.cpu.ExitSignal;

/**
 * Port I/O and MMIO exits. Reads (IN, MMIO loads) describe the exit and abandon the instruction; once the host
 * supplies the data the instruction runs again and this time the read returns it. Writes describe the exit and let
 * the instruction complete; the dispatcher reports the exit after it.
 */
final class IoExits {
    final Exit exit = new Exit();
    private boolean ioValid;
    private long ioData;
    private boolean mmioValid;
    private long mmioAddress;
    private long mmioData;

    long portIn(int port, int size) {
        if (ioValid) {
            ioValid = false;
            if (exit.reason() == ExitReason.IO_IN && exit.port() == port && exit.size() == size) {
                return Cpu.mask(size, ioData);
            }
        }
        exit.io(true, port, size, 0, 1);
        throw ExitSignal.INSTANCE;
    }

    /**
     * A batched REP INS: exits asking for {@code count} elements the first time; when the instruction runs again
     * after the host filled the exit's string buffer and completed the IN, returns and the caller stores them.
     */
    void portInString(int port, int size, int count) {
        if (ioValid) {
            ioValid = false;
            if (exit.reason() == ExitReason.IO_IN && exit.port() == port && exit.size() == size && exit.count() == count) {
                return;
            }
        }
        exit.stringIn(port, size, count);
        throw ExitSignal.INSTANCE;
    }

    void portOut(Executor ex, int port, int size, long value) {
        exit.io(false, port, size, Cpu.mask(size, value), 1);
        ex.exitPending = true;
        ex.abort = true;
    }

    long mmioRead(long physical, int size) {
        if (mmioValid) {
            mmioValid = false;
            if (exit.reason() == ExitReason.MMIO_READ && mmioAddress == physical && exit.size() == size) {
                return Cpu.mask(size, mmioData);
            }
        }
        exit.mmio(true, physical, size, 0);
        throw ExitSignal.INSTANCE;
    }

    void mmioWrite(Executor ex, long physical, int size, long value) {
        exit.mmio(false, physical, size, Cpu.mask(size, value));
        ex.exitPending = true;
        ex.abort = true;
    }

    void completeIn(long data) {
        if (exit.reason() != ExitReason.IO_IN) {
            throw new IllegalStateException("the last exit was not IO_IN but " + exit.reason());
        }
        ioData = data;
        ioValid = true;
    }

    void completeMmioRead(long data) {
        if (exit.reason() != ExitReason.MMIO_READ) {
            throw new IllegalStateException("the last exit was not MMIO_READ but " + exit.reason());
        }
        mmioAddress = exit.address();
        mmioData = data;
        mmioValid = true;
    }
}
