package io.splitvisor.backend.console;

import io.splitvisor.abi.layout.ConsoleRingLayout;
import io.splitvisor.backend.Connection;
import io.splitvisor.backend.DeviceSession;
import io.splitvisor.backend.ring.RingProtocolException;
import io.splitvisor.core.console.ConsoleLog;
import io.splitvisor.core.grant.GrantedPage;

import java.lang.invoke.VarHandle;

/**
 * A connected secondary console: dom0's end of the guest's {@code sv_console_ring} page, the same
 * byte rings as console 0 (ABI.md section 8) but in a page the guest granted. Output goes to the
 * console's {@link ConsoleLog}; input queued on the log goes into the ring. The consumer indices
 * dom0 owns are kept privately and only written to the page; a producer that claims more than a
 * ring's worth is a protocol violation that closes the console.
 */
final class ConsoleSession implements DeviceSession {
    private final Connection connection;
    private final GrantedPage page;
    private final ConsoleLog log;
    private final byte[] buffer = new byte[ConsoleRingLayout.OUT_SIZE];
    private int outCons;
    private int inProd;

    ConsoleSession(Connection connection, ConsoleLog log) {
        this.connection = connection;
        this.page = connection.page(0);
        this.log = log;
        this.outCons = (int) page.readU32(ConsoleRingLayout.OUT_CONS);
        this.inProd = (int) page.readU32(ConsoleRingLayout.IN_PROD);
        page.writeU8(ConsoleRingLayout.CONNECTION, ConsoleRingLayout.CONNECTED);
        log.onInput(connection.context()::wake);
    }

    @Override
    public void onNotify() {
        boolean progress = drainOutput();
        progress |= fillInput();
        if (progress) {
            connection.notifyFrontend();
        }
    }

    private boolean drainOutput() {
        int prod = (int) page.readU32Acquire(ConsoleRingLayout.OUT_PROD);
        int available = prod - outCons;
        if (available == 0) {
            return false;
        }
        if (Integer.compareUnsigned(available, ConsoleRingLayout.OUT_SIZE) > 0) {
            throw new RingProtocolException("out_prod " + Integer.toUnsignedString(prod) + " is "
                    + Integer.toUnsignedString(available) + " bytes ahead of out_cons; the ring holds " + ConsoleRingLayout.OUT_SIZE);
        }
        int at = outCons & (ConsoleRingLayout.OUT_SIZE - 1);
        int first = Math.min(available, ConsoleRingLayout.OUT_SIZE - at);
        page.read(ConsoleRingLayout.OUT + at, buffer, 0, first);
        page.read(ConsoleRingLayout.OUT, buffer, first, available - first);
        VarHandle.fullFence();   // the bytes are read before out_cons frees their space
        outCons = prod;
        page.writeU32Release(ConsoleRingLayout.OUT_CONS, outCons & 0xFFFFFFFFL);
        log.write(buffer, 0, available);
        connection.context().metrics().request(available);
        return true;
    }

    private boolean fillInput() {
        if (log.inputAvailable() == 0) {
            return false;
        }
        int cons = (int) page.readU32Acquire(ConsoleRingLayout.IN_CONS);
        int used = inProd - cons;
        if (Integer.compareUnsigned(used, ConsoleRingLayout.IN_SIZE) > 0) {
            throw new RingProtocolException("in_cons " + Integer.toUnsignedString(cons) + " is outside the "
                    + ConsoleRingLayout.IN_SIZE + " bytes behind in_prod " + Integer.toUnsignedString(inProd));
        }
        byte[] data = log.takeInput(ConsoleRingLayout.IN_SIZE - used);
        if (data.length == 0) {
            return false;
        }
        int at = inProd & (ConsoleRingLayout.IN_SIZE - 1);
        int first = Math.min(data.length, ConsoleRingLayout.IN_SIZE - at);
        page.write(ConsoleRingLayout.IN + at, data, 0, first);
        page.write(ConsoleRingLayout.IN, data, first, data.length - first);
        inProd += data.length;
        page.writeU32Release(ConsoleRingLayout.IN_PROD, inProd & 0xFFFFFFFFL);   // the bytes before the index
        return true;
    }

    @Override
    public void close() {
        log.onInput(() -> { });
        log.flush();
    }
}
