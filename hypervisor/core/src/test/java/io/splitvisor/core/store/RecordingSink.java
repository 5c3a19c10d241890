package io.splitvisor.core.store;

import java.util.ArrayList;
import java.util.List;

/** A watch sink that remembers events as "path token" strings. */
final class RecordingSink implements WatchSink {
    private final List<String> events = new ArrayList<>();

    @Override
    public synchronized void fire(String path, String token) {
        events.add(path + " " + token);
    }

    synchronized List<String> events() {
        return List.copyOf(events);
    }

    /** The events so far, then forgets them. */
    synchronized List<String> take() {
        List<String> copy = List.copyOf(events);
        events.clear();
        return copy;
    }
}
