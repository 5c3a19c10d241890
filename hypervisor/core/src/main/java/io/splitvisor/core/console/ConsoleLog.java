package io.splitvisor.core.console;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One domain's console: everything it printed (through the console ring, the console hypercall
 * or the 0xE9 debug port) as lines, a bounded history of them, and the input waiting for it.
 */
public final class ConsoleLog {
    /** Receives each complete line (without its newline). */
    public interface LineListener {
        void line(ConsoleLog log, String line);
    }

    private static final int MAX_LINE = 4096;
    private static final int HISTORY_BYTES = 256 * 1024;
    private static final int INPUT_LIMIT = 64 * 1024;

    private final String name;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final ArrayDeque<String> history = new ArrayDeque<>();
    private final ArrayDeque<Byte> input = new ArrayDeque<>();
    private final List<LineListener> listeners = new CopyOnWriteArrayList<>();
    private int historyBytes;
    private long totalBytes;
    private Runnable inputArrived = () -> { };

    public ConsoleLog(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public void addListener(LineListener listener) {
        listeners.add(listener);
    }

    /** Appends output bytes; complete lines go to the listeners. */
    public void write(byte[] data, int offset, int length) {
        List<String> done = new java.util.ArrayList<>();
        synchronized (this) {
            totalBytes += length;
            for (int i = offset; i < offset + length; i++) {
                byte b = data[i];
                if (b == '\n' || partial.size() >= MAX_LINE) {
                    done.add(takeLine());
                    if (b == '\n') {
                        continue;
                    }
                }
                if (b != '\r') {
                    partial.write(b);
                }
            }
        }
        deliver(done);
    }

    public void write(byte b) {
        write(new byte[] {b}, 0, 1);
    }

    /** Ends an unterminated last line (when the domain ends). */
    public void flush() {
        String line = null;
        synchronized (this) {
            if (partial.size() > 0) {
                line = takeLine();
            }
        }
        if (line != null) {
            deliver(List.of(line));
        }
    }

    private String takeLine() {
        String line = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        history.addLast(line);
        historyBytes += line.length() + 1;
        while (historyBytes > HISTORY_BYTES && !history.isEmpty()) {
            historyBytes -= history.removeFirst().length() + 1;
        }
        return line;
    }

    private void deliver(List<String> lines) {
        for (String line : lines) {
            for (LineListener l : listeners) {
                l.line(this, line);
            }
        }
    }

    /** The lines kept so far (the most recent 256 KiB). */
    public synchronized List<String> lines() {
        return List.copyOf(history);
    }

    /** Everything printed so far, joined with newlines, the unterminated tail included. */
    public synchronized String text() {
        StringBuilder out = new StringBuilder();
        for (String line : history) {
            out.append(line).append('\n');
        }
        return out.append(partial.toString(StandardCharsets.UTF_8)).toString();
    }

    public synchronized long totalBytes() {
        return totalBytes;
    }

    // ---- input -----------------------------------------------------------------------------------------

    /** Called when input is queued (the console backend moves it into the ring). */
    public synchronized void onInput(Runnable callback) {
        inputArrived = callback;
    }

    /** Queues input for the guest; bytes past 64 KiB of backlog are dropped. Returns how many were queued. */
    public int sendInput(byte[] data) {
        int queued = 0;
        Runnable callback;
        synchronized (this) {
            for (byte b : data) {
                if (input.size() >= INPUT_LIMIT) {
                    break;
                }
                input.addLast(b);
                queued++;
            }
            callback = inputArrived;
        }
        callback.run();
        return queued;
    }

    /** Takes up to {@code max} bytes of queued input. */
    public synchronized byte[] takeInput(int max) {
        int n = Math.min(max, input.size());
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = input.removeFirst();
        }
        return out;
    }

    /** Puts bytes back at the front of the input (those a full ring could not take). */
    public synchronized void unread(byte[] data, int from) {
        for (int i = data.length - 1; i >= from; i--) {
            input.addFirst(data[i]);
        }
    }

    public synchronized int inputAvailable() {
        return input.size();
    }
}
