package io.splitvisor.backend.xenbus;

import io.splitvisor.abi.AbiConstants;

/** Xen's connection handshake states, written as decimal strings under each device's {@code state} key. */
public enum XenbusState {
    UNKNOWN(AbiConstants.XENBUS_STATE_UNKNOWN),
    INITIALISING(AbiConstants.XENBUS_STATE_INITIALISING),
    INIT_WAIT(AbiConstants.XENBUS_STATE_INIT_WAIT),
    INITIALISED(AbiConstants.XENBUS_STATE_INITIALISED),
    CONNECTED(AbiConstants.XENBUS_STATE_CONNECTED),
    CLOSING(AbiConstants.XENBUS_STATE_CLOSING),
    CLOSED(AbiConstants.XENBUS_STATE_CLOSED);

    private static final XenbusState[] BY_VALUE = values();
    private final int value;

    XenbusState(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The store's text for this state. */
    public String text() {
        return Integer.toString(value);
    }

    /** The state a store value names; anything unparsable or out of range (Reconfiguring too) is UNKNOWN. */
    public static XenbusState parse(String text) {
        if (text == null) {
            return UNKNOWN;
        }
        try {
            int v = Integer.parseInt(text.trim());
            return v >= 0 && v < BY_VALUE.length ? BY_VALUE[v] : UNKNOWN;
        } catch (NumberFormatException e) {
            return UNKNOWN;
        }
    }

    public static XenbusState of(int value) {
        return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : UNKNOWN;
    }
}
