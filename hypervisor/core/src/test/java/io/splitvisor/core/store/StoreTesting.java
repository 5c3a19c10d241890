package io.splitvisor.core.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitvisor.abi.proto.Status;
import org.junit.jupiter.api.function.Executable;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Shared helpers for the store tests. */
final class StoreTesting {
    private StoreTesting() {
    }

    static Store newStore() {
        return new Store(new SimpleMeterRegistry());
    }

    static Store newStore(StoreQuota quota) {
        return new Store(new SimpleMeterRegistry(), quota);
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static String read(Store s, int caller, String path) {
        return str(s.read(caller, 0, path));
    }

    static String read(Store s, int caller, int tx, String path) {
        return str(s.read(caller, tx, path));
    }

    static void assertStatus(Status expected, Executable call) {
        StoreException e = assertThrows(StoreException.class, call);
        assertEquals(expected, e.status(), e.getMessage());
    }
}
