package io.splitvisor.core.store;

/**
 * A registered watch: {@code path} is absolute (or a special path); {@code relative} remembers that the watcher
 * gave a relative path, so that its events report paths relative to its home, as Xen does.
 */
record Watch(int domid, String path, String token, boolean relative, WatchSink sink) {
    /** How this watch reports {@code absolutePath}. */
    String report(String absolutePath) {
        return relative ? StorePaths.relativeTo(domid, absolutePath) : absolutePath;
    }

    boolean sameAs(int otherDomid, String otherPath, String otherToken, WatchSink otherSink) {
        return domid == otherDomid && path.equals(otherPath) && token.equals(otherToken) && sink == otherSink;
    }
}
