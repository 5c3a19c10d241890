package io.splitvisor.core.store;

/**
 * Where a connection's watch events go. The store calls {@link #fire} outside its lock, from whichever thread
 * made the change (or registered the watch), one event at a time and in the order the changes happened. An
 * implementation must return quickly and never block: queue the event and return.
 */
@FunctionalInterface
public interface WatchSink {
    /**
     * @param path  the path that changed (relative to the watcher's home when the watch was registered with a
     *              relative path), or the special path {@code @introduceDomain} / {@code @releaseDomain}
     * @param token the token given when the watch was registered
     */
    void fire(String path, String token);
}
