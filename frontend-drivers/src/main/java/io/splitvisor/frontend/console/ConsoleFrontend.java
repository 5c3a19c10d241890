package io.splitvisor.frontend.console;

import io.splitvisor.abi.layout.ConsoleRingLayout;
import io.splitvisor.backend.xenbus.XenbusState;
import io.splitvisor.core.memory.GuestAtomics;
import io.splitvisor.frontend.FrontendDomain;
import io.splitvisor.frontend.FrontendException;
import io.splitvisor.frontend.XenbusFrontend;

import java.io.ByteArrayOutputStream;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;

/**
 * The Java frontend of a secondary console ({@code device/console/<n>}): a zeroed page laid out
 * as {@code sv_console_ring}, granted to the backend and published as {@code ring-ref} with its
 * event channel as {@code port}. Output is produced into {@code out}; input is consumed from
 * {@code in}.
 */
public final class ConsoleFrontend implements AutoCloseable {
    private final FrontendDomain domain;
    private final XenbusFrontend xenbus;
    private final Duration timeout;
    private final long page;
    private final int ref;
    private final int port;
    private final ByteArrayOutputStream input = new ByteArrayOutputStream();
    private int outProd;
    private int inCons;

    private ConsoleFrontend(FrontendDomain domain, String id, Duration timeout) {
        this.domain = domain;
        this.timeout = timeout;
        this.xenbus = new XenbusFrontend(domain, "console", id);
        xenbus.waitForBackend(EnumSet.of(XenbusState.INIT_WAIT), timeout);
        page = domain.allocPage();
        ref = domain.grant(xenbus.backendId(), page, false);
        port = domain.allocUnbound(xenbus.backendId());
        domain.onEvent(port, this::onEvent);
        xenbus.publish(Map.of("ring-ref", Integer.toString(ref), "port", Integer.toString(port)), XenbusState.INITIALISED);
        xenbus.waitForBackend(EnumSet.of(XenbusState.CONNECTED), timeout);
        xenbus.switchState(XenbusState.CONNECTED);
    }

    public static ConsoleFrontend connect(FrontendDomain domain, String id, Duration timeout) {
        return new ConsoleFrontend(domain, id, timeout);
    }

    public XenbusFrontend xenbus() {
        return xenbus;
    }

    public long page() {
        return page;
    }

    public int port() {
        return port;
    }

    public void print(String text) {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code data} into the output ring, waiting for room as the backend drains it. */
    public synchronized void write(byte[] data) {
        int done = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (done < data.length) {
            int cons = (int) GuestAtomics.readU32Acquire(domain.memory(), page + ConsoleRingLayout.OUT_CONS);
            int room = ConsoleRingLayout.OUT_SIZE - (outProd - cons);
            if (room <= 0) {
                if (System.nanoTime() > deadline) {
                    throw new FrontendException(xenbus.name() + ": the backend does not drain the console");
                }
                waitForEvent();
                continue;
            }
            int n = Math.min(room, data.length - done);
            for (int i = 0; i < n; i++) {
                domain.memory().writeU8(page + ConsoleRingLayout.OUT + ((outProd + i) & (ConsoleRingLayout.OUT_SIZE - 1)), data[done + i]);
            }
            outProd += n;
            GuestAtomics.writeU32Release(domain.memory(), page + ConsoleRingLayout.OUT_PROD, outProd & 0xFFFFFFFFL);
            domain.notify(port);
            done += n;
        }
    }

    /** Input received so far (and consumed from the ring), waiting up to {@code wait} for at least {@code min} bytes. */
    public byte[] read(int min, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (input) {
            while (input.size() < min && System.nanoTime() < deadline) {
                try {
                    input.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            byte[] out = input.toByteArray();
            input.reset();
            return out;
        }
    }

    private void onEvent() {
        int prod = (int) GuestAtomics.readU32Acquire(domain.memory(), page + ConsoleRingLayout.IN_PROD);
        int n = Math.min(prod - inCons, ConsoleRingLayout.IN_SIZE);
        if (n > 0) {
            byte[] got = new byte[n];
            for (int i = 0; i < n; i++) {
                got[i] = (byte) domain.memory().readU8(page + ConsoleRingLayout.IN + ((inCons + i) & (ConsoleRingLayout.IN_SIZE - 1)));
            }
            VarHandle.fullFence();
            inCons += n;
            GuestAtomics.writeU32Release(domain.memory(), page + ConsoleRingLayout.IN_CONS, inCons & 0xFFFFFFFFL);
            synchronized (input) {
                input.write(got, 0, n);
                input.notifyAll();
            }
            domain.notify(port);
        }
        synchronized (this) {
            notifyAll();
        }
    }

    private void waitForEvent() {
        try {
            wait(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FrontendException("interrupted");
        }
    }

    @Override
    public void close() {
        try {
            if (domain.hypervisor().domain(domain.domid()) != null) {
                xenbus.close(timeout);
            }
        } finally {
            domain.onEvent(port, null);
            if (domain.endGrant(ref)) {
                domain.freePage(page);
            }
            try {
                domain.closePort(port);
            } catch (RuntimeException e) {
                // gone with the domain
            }
        }
    }
}
