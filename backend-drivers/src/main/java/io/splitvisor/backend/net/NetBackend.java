package io.splitvisor.backend.net;

import io.splitvisor.abi.layout.NetifLayout;
import io.splitvisor.backend.BackendDevice;
import io.splitvisor.backend.BackendDriver;
import io.splitvisor.backend.Connection;
import io.splitvisor.backend.DeviceContext;
import io.splitvisor.backend.DeviceException;
import io.splitvisor.backend.DeviceSession;
import io.splitvisor.backend.RingSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network backend ("vif"): a tx and an rx ring per device, one event channel, rx-copy only,
 * one slot per frame (no scatter-gather), frames up to 1514 bytes, every vif a port of one
 * {@link VirtualSwitch}. See docs/WRITING-A-DRIVER.md section 3.
 */
public final class NetBackend implements BackendDriver {
    public static final String TYPE = "vif";
    /** Index of the tx ring among {@link #rings()} (and in tracer calls); rx is 1. */
    public static final int TX = 0;
    public static final int RX = 1;

    private final VirtualSwitch bridge;

    public NetBackend(VirtualSwitch bridge) {
        this.bridge = bridge;
    }

    public VirtualSwitch bridge() {
        return bridge;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<RingSpec> rings() {
        return List.of(RingSpec.ring("tx-ring-ref", NetifLayout.TX_RING), RingSpec.ring("rx-ring-ref", NetifLayout.RX_RING));
    }

    @Override
    public BackendDevice probe(DeviceContext context) {
        String text = context.backendKey("mac").orElseThrow(() -> new DeviceException("backend key mac is missing"));
        long mac;
        try {
            mac = MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new DeviceException(e.getMessage());
        }
        return new BackendDevice() {
            @Override
            public Map<String, String> features() {
                Map<String, String> f = new LinkedHashMap<>();
                f.put("feature-rx-copy", "1");
                f.put("feature-rx-flip", "0");
                f.put("feature-sg", "0");
                f.put("feature-gso-tcpv4", "0");
                f.put("feature-gso-tcpv6", "0");
                f.put("feature-ipv6-csum-offload", "0");
                f.put("feature-split-event-channels", "0");
                f.put("multi-queue-max-queues", "1");
                return f;
            }

            @Override
            public DeviceSession connect(Connection connection) {
                if (!context.frontendKey("request-rx-copy").map("1"::equals).orElse(false)) {
                    throw new DeviceException("the frontend did not ask for request-rx-copy = 1 (rx-flip is not supported)");
                }
                return new VifSession(connection, bridge, mac);
            }
        };
    }

    /** Keys the toolstack writes in both directories of a vif: {@code handle}, {@code mac} (backend also {@code bridge}, {@code type}). */
    public static Map<String, String> frontendKeys(int index, long mac) {
        return Map.of("handle", Integer.toString(index), "mac", MacAddress.format(mac));
    }

    public static Map<String, String> backendKeys(int index, long mac, String bridge) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("handle", Integer.toString(index));
        keys.put("mac", MacAddress.format(mac));
        keys.put("bridge", bridge);
        keys.put("type", "vif");
        return keys;
    }
}
