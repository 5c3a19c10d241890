package io.splitvisor.backend.xenbus;

import io.splitvisor.abi.proto.Status;
import io.splitvisor.core.store.Store;
import io.splitvisor.core.store.StoreException;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.IntConsumer;

/** Small helpers over the {@link Store} for one caller: optional reads and transactions retried on EAGAIN. */
public final class StoreIO {
    private static final int MAX_ATTEMPTS = 100;
    private final Store store;
    private final int caller;

    public StoreIO(Store store, int caller) {
        this.store = store;
        this.caller = caller;
    }

    public Store store() {
        return store;
    }

    public int caller() {
        return caller;
    }

    /** The value at {@code path}, or empty when the node does not exist. */
    public Optional<String> read(String path) {
        return read(0, path);
    }

    public Optional<String> read(int tx, String path) {
        try {
            return Optional.of(new String(store.read(caller, tx, path), StandardCharsets.UTF_8));
        } catch (StoreException e) {
            if (e.status() == Status.STATUS_ENOENT) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public boolean exists(String path) {
        return read(path).isPresent();
    }

    public void write(String path, String value) {
        store.write(caller, 0, path, value);
    }

    /** Runs {@code body} (given the transaction id) in a transaction, retrying it while the commit answers EAGAIN. */
    public void transaction(IntConsumer body) {
        for (int attempt = 1; ; attempt++) {
            int tx = store.transactionStart(caller);
            try {
                body.accept(tx);
            } catch (RuntimeException e) {
                try {
                    store.transactionEnd(caller, tx, false);
                } catch (StoreException ignored) {
                    // the transaction is gone either way
                }
                throw e;
            }
            try {
                store.transactionEnd(caller, tx, true);
                return;
            } catch (StoreException e) {
                if (e.status() != Status.STATUS_EAGAIN || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
