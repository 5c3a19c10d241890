package io.splitvisor.backend.console;

import io.splitvisor.backend.BackendDevice;
import io.splitvisor.backend.BackendDriver;
import io.splitvisor.backend.Connection;
import io.splitvisor.backend.DeviceContext;
import io.splitvisor.backend.DeviceSession;
import io.splitvisor.backend.RingSpec;
import io.splitvisor.backend.xenbus.DevicePaths;
import io.splitvisor.core.console.ConsoleLog;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Secondary consoles ("console", {@code device/console/<n>}, n >= 1) through the framework, with
 * Xen's keys: the frontend publishes {@code ring-ref} (a page laid out as {@code sv_console_ring})
 * and {@code port}. Each console gets a {@link ConsoleLog} named {@code <guest>/<name>}, the same
 * log concept as console 0; listeners hear of each new one (the CLI prints their lines).
 *
 * <p>Console 0 stays on its dedicated page from start info, as in Xen: it must work before the
 * guest has a store connection (it is how a guest says its store failed) and before any handshake.
 */
public final class ConsoleBackend implements BackendDriver {
    public static final String TYPE = "console";
    private final Map<DevicePaths, ConsoleLog> logs = new ConcurrentHashMap<>();
    private final List<BiConsumer<DevicePaths, ConsoleLog>> listeners = new CopyOnWriteArrayList<>();

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<RingSpec> rings() {
        return List.of(RingSpec.page("ring-ref"));
    }

    @Override
    public String eventChannelKey() {
        return "port";
    }

    /** Runs {@code listener} for each console when it is probed (before the guest connects it). */
    public void onConsole(BiConsumer<DevicePaths, ConsoleLog> listener) {
        listeners.add(listener);
    }

    /** The log of a console while it exists. */
    public Optional<ConsoleLog> log(DevicePaths paths) {
        return Optional.ofNullable(logs.get(paths));
    }

    @Override
    public BackendDevice probe(DeviceContext context) {
        String name = context.backendKey("name").orElse("console" + context.deviceId());
        ConsoleLog log = new ConsoleLog(context.frontendName() + "/" + name);
        logs.put(context.paths(), log);
        listeners.forEach(l -> l.accept(context.paths(), log));
        return new BackendDevice() {
            @Override
            public Map<String, String> features() {
                return Map.of();
            }

            @Override
            public DeviceSession connect(Connection connection) {
                return new ConsoleSession(connection, log);
            }

            @Override
            public void close() {
                log.flush();
                logs.remove(context.paths(), log);
            }
        };
    }

    /** Keys the toolstack writes: {@code name} in both directories, {@code protocol} = vt100 in the backend's. */
    public static Map<String, String> frontendKeys(String name) {
        return Map.of("name", name);
    }

    public static Map<String, String> backendKeys(String name) {
        return Map.of("name", name, "protocol", "vt100");
    }
}
