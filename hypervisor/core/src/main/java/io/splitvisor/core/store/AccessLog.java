package io.splitvisor.core.store;

/** Told about every node an operation looks at, before it changes it (a transaction records generations). */
@FunctionalInterface
interface AccessLog {
    AccessLog NONE = (path, node) -> { };

    /** {@code node} is what {@code path} holds now in the view being edited, or {@code null} if absent. */
    void observe(String path, StoreNode node);
}
