package io.splitvisor.frontend.net;

import io.splitvisor.frontend.FrontendDomain;
import io.splitvisor.frontend.TestPlatform;

import java.time.Duration;

/** The net contract against the Java frontend in host domains. */
class JavaNetDeviceTest extends NetDeviceContract {
    @Override
    protected NetFrontendUnderTest open(TestPlatform platform, String name, long mac) {
        FrontendDomain guest = platform.guest(name);
        platform.backends.attachNic(guest.domid(), 0, mac);
        NetFrontend fe = NetFrontend.connect(guest, "0", TestPlatform.TIMEOUT);
        return new NetFrontendUnderTest() {
            @Override
            public long mac() {
                return fe.mac();
            }

            @Override
            public void send(byte[] frame) {
                fe.send(frame);
            }

            @Override
            public byte[] receive(Duration wait) {
                return fe.receive(wait);
            }

            @Override
            public void close() {
                fe.close();
            }
        };
    }
}
