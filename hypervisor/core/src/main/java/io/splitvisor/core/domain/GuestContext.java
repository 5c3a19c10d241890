package io.splitvisor.core.domain;

import io.splitvisor.core.evtchn.SharedInfoSink;
import io.splitvisor.engine.Vcpu;

import java.util.concurrent.locks.LockSupport;

/**
 * The vCPU side of a guest domain: its engine vCPU, the thread that runs it, and the waiting
 * that SchedBlock, SchedPoll and HLT do. Wakeups use {@link LockSupport}: an unpark before the
 * park is remembered, so a wakeup between the check and the wait is never lost.
 */
public final class GuestContext implements SharedInfoSink.Kick {
    private final Vcpu vcpu;
    private volatile int consolePort;
    private volatile int storePort;
    private volatile SharedInfoSink events;
    private volatile Thread thread;
    private volatile int upcallVector;
    private volatile boolean pauseRequested;
    private volatile boolean stopRequested;
    private volatile boolean polling;

    private final String engineName;

    GuestContext(Vcpu vcpu, String engineName) {
        this.vcpu = vcpu;
        this.engineName = engineName;
    }

    /** "interp" or "kvm". */
    public String engineName() {
        return engineName;
    }

    /** CPU time the vCPU thread has used, or 0 before it starts. */
    public long cpuTimeNanos() {
        Thread t = thread;
        if (t == null || !t.isAlive()) {
            return 0;
        }
        long nanos = java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId());
        return Math.max(nanos, 0);
    }

    void setChannels(int console, int store) {
        this.consolePort = console;
        this.storePort = store;
    }

    void bindEvents(SharedInfoSink sink) {
        this.events = sink;
    }

    public Vcpu vcpu() {
        return vcpu;
    }

    public SharedInfoSink events() {
        return events;
    }

    /** The guest's end of its console channel. */
    public int consolePort() {
        return consolePort;
    }

    /** The guest's end of its store channel. */
    public int storePort() {
        return storePort;
    }

    void setThread(Thread t) {
        this.thread = t;
    }

    Thread thread() {
        return thread;
    }

    public int upcallVector() {
        return upcallVector;
    }

    /** 0 turns upcalls off. */
    public void setUpcallVector(int vector) {
        this.upcallVector = vector;
        if (vector != 0 && events.upcallPending()) {
            eventPending();
        }
    }

    @Override
    public void eventPending() {
        int vector = upcallVector;
        if (vector != 0 && !events.upcallMasked()) {
            vcpu.injectInterrupt(vector);
        }
        wake();
    }

    @Override
    public void portRaised() {
        if (polling) {
            wake();
        }
    }

    void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    boolean pauseRequested() {
        return pauseRequested;
    }

    void requestPause(boolean pause) {
        pauseRequested = pause;
        if (pause) {
            vcpu.requestStop();
        }
        wake();
    }

    public boolean stopRequested() {
        return stopRequested;
    }

    void requestStop() {
        stopRequested = true;
        vcpu.requestStop();
        wake();
    }

    /**
     * SchedBlock: re-enables upcalls, then waits until one is pending. Returns false when the
     * domain is being stopped instead.
     */
    public boolean block() {
        events.clearUpcallMask();
        while (!events.upcallPending()) {
            if (stopRequested) {
                return false;
            }
            LockSupport.park(this);
        }
        return true;
    }

    /** HLT: waits until an upcall is pending (or the domain stops), without touching the upcall mask. */
    void waitForEvent() {
        while (!events.upcallPending() && !stopRequested && !pauseRequested) {
            LockSupport.park(this);
        }
    }

    /**
     * SchedPoll: waits until one of {@code ports} is pending or {@code timeoutNanos} pass
     * (negative: no timeout). Returns true on timeout.
     */
    public boolean poll(int[] ports, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        polling = true;   // set before the check, so a raise after it unparks us
        try {
            while (!events.anyPending(ports)) {
                if (stopRequested) {
                    return false;
                }
                if (timeoutNanos < 0) {
                    LockSupport.park(this);
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return true;
                    }
                    LockSupport.parkNanos(this, left);
                }
            }
            return false;
        } finally {
            polling = false;
        }
    }

    /** Parks the vCPU thread while paused; returns false if stopped meanwhile. */
    boolean waitWhilePaused() {
        while (pauseRequested && !stopRequested) {
            LockSupport.park(this);
        }
        return !stopRequested;
    }
}
