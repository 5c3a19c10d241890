package io.splitvisor.core.store;

import io.splitvisor.abi.layout.StoreRingLayout;

/**
 * Why the store closed a guest's ring: the value written into the store page's {@code error} field (offset
 * {@code StoreRingLayout.ERROR}). Codes 1 and 2 mean what they mean in Xen's xenstore ring; the rest refine
 * Xen's 3, "protocol violation". After writing the code the store stops serving the ring, drops the
 * connection's watches and transactions, and notifies the guest once more; other domains are not affected.
 */
public enum RingError {
    /** 0: the ring is served. */
    NONE(StoreRingLayout.ERROR_NONE),
    /** 1: the store page could not be reached (its address is not guest RAM). */
    COMMUNICATION(StoreRingLayout.ERROR_COMMUNICATION),
    /** 2: {@code req_prod} ran more than the ring size ahead of {@code req_cons}, or {@code rsp_cons} is not
     *  within the ring size behind {@code rsp_prod}. */
    BAD_INDEX(StoreRingLayout.ERROR_BAD_INDEX),
    /** 3: a length prefix of 0 or above {@code STORE_MAX_MESSAGE} (4096). */
    BAD_LENGTH(StoreRingLayout.ERROR_BAD_LENGTH),
    /** 4: a message that does not decode as a {@code StoreRequest}. */
    MALFORMED(StoreRingLayout.ERROR_MALFORMED),
    /** 5: a {@code StoreRequest} without an op. */
    NO_OP(StoreRingLayout.ERROR_NO_OP);

    private final int code;

    RingError(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static RingError ofCode(int code) {
        for (RingError e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        throw new IllegalArgumentException("no ring error " + code);
    }
}
