package io.splitvisor.core.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Framed messages waiting for room in a guest's response ring, in order. Responses are never dropped (the ring
 * server stops reading requests instead, see {@link #responses()}); watch events beyond {@code maxEvents} are
 * refused so that a guest that never drains its ring costs bounded memory. While a request is being handled,
 * events are held back and queued after its response (so a watch's first event follows the watch's reply).
 * Thread-safe: events arrive from any thread.
 */
final class OutboundQueue {
    private record Frame(byte[] bytes, boolean event) {
    }

    private final int maxEvents;
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private final List<Frame> held = new ArrayList<>();
    private boolean holding;
    private int headWritten;
    private int responses;
    private int events;

    OutboundQueue(int maxEvents) {
        this.maxEvents = maxEvents;
    }

    /** Responses queued and not yet completely written to the ring. */
    synchronized int responses() {
        return responses;
    }

    /** Events queued (or held) and not yet completely written to the ring. */
    synchronized int events() {
        return events;
    }

    synchronized boolean isEmpty() {
        return frames.isEmpty();
    }

    /** Start of a request: events wait until its response is queued. */
    synchronized void beginRequest() {
        holding = true;
    }

    /** Queues a request's response, then the events held back meanwhile. */
    synchronized void endRequest(byte[] responseFrame) {
        frames.add(new Frame(responseFrame, false));
        responses++;
        holding = false;
        frames.addAll(held);
        held.clear();
    }

    /** Queues an event frame; false (nothing queued) when {@code maxEvents} are already waiting. */
    synchronized boolean offerEvent(byte[] frame) {
        if (events >= maxEvents) {
            return false;
        }
        events++;
        (holding ? held : frames).add(new Frame(frame, true));
        return true;
    }

    /** Takes up to {@code max} bytes from the head of the queue (frames may be split across calls). */
    synchronized byte[] take(int max) {
        byte[] out = new byte[max];
        int n = 0;
        while (n < max && !frames.isEmpty()) {
            Frame head = frames.peek();
            int chunk = Math.min(max - n, head.bytes().length - headWritten);
            System.arraycopy(head.bytes(), headWritten, out, n, chunk);
            n += chunk;
            headWritten += chunk;
            if (headWritten == head.bytes().length) {
                frames.poll();
                headWritten = 0;
                if (head.event()) {
                    events--;
                } else {
                    responses--;
                }
            }
        }
        return n == max ? out : java.util.Arrays.copyOf(out, n);
    }

    synchronized void clear() {
        frames.clear();
        held.clear();
        responses = 0;
        events = 0;
        headWritten = 0;
    }
}
