package io.splitvisor.core.store;

/** An event waiting to be handed to its sink. */
record WatchEvent(WatchSink sink, String path, String token) {
}
