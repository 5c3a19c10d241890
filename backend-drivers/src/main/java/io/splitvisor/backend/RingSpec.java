package io.splitvisor.backend;

import io.splitvisor.abi.layout.SharedRing;

/**
 * A page the frontend publishes for a device: the frontend key holding its grant reference and,
 * for a request/response ring, its layout (null for another kind of page, such as a console ring).
 *
 * @param key    frontend key with the grant reference ("ring-ref", "tx-ring-ref")
 * @param layout the ring layout, or null
 */
public record RingSpec(String key, SharedRing layout) {
    public static RingSpec ring(String key, SharedRing layout) {
        return new RingSpec(key, layout);
    }

    public static RingSpec page(String key) {
        return new RingSpec(key, null);
    }
}
