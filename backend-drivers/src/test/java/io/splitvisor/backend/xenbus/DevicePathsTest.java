package io.splitvisor.backend.xenbus;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DevicePathsTest {
    @Test
    void xensDirectories() {
        DevicePaths p = new DevicePaths("vbd", 5, "51712");
        assertEquals("/local/domain/5/device/vbd/51712", p.frontendDir());
        assertEquals("/local/domain/0/backend/vbd/5/51712", p.backendDir());
        assertEquals(p, DevicePaths.fromBackendPath("vbd", "/local/domain/0/backend/vbd/5/51712/state"));
        assertEquals(p, DevicePaths.fromBackendPath("vbd", "/local/domain/0/backend/vbd/5/51712"));
        assertNull(DevicePaths.fromBackendPath("vbd", "/local/domain/0/backend/vbd/5"));
        assertNull(DevicePaths.fromBackendPath("vbd", "/local/domain/0/backend/vbd"));
        assertNull(DevicePaths.fromBackendPath("vbd", "/local/domain/0/backend/vif/5/0"));
        assertNull(DevicePaths.fromBackendPath("vbd", "/local/domain/0/backend/vbd/x/0"));
        assertNull(DevicePaths.fromBackendPath("vbd", "/local/domain/0/backend/vbd/0/0"), "dom0 is never a frontend");
    }

    @Test
    void statesParseAsXenWritesThem() {
        assertEquals(XenbusState.CONNECTED, XenbusState.parse("4"));
        assertEquals(XenbusState.UNKNOWN, XenbusState.parse("7"));
        assertEquals(XenbusState.UNKNOWN, XenbusState.parse("x"));
        assertEquals(XenbusState.UNKNOWN, XenbusState.parse(null));
        assertEquals("2", XenbusState.INIT_WAIT.text());
    }
}
