package io.splitvisor.frontend.contract;

import io.splitvisor.frontend.FrontendDomain;
import io.splitvisor.frontend.TestPlatform;
import io.splitvisor.frontend.console.ConsoleFrontend;
import io.splitvisor.frontend.vrng.VrngFrontend;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.CRC32;

/** The small devices' contract against the Java frontends. */
class JavaSmallDevicesTest extends SmallDevicesContract {
    @Override
    protected SmallDevicesUnderTest.Rng openRng(TestPlatform platform) {
        FrontendDomain guest = platform.guest("rng");
        platform.backends.attachRng(guest.domid(), 0);
        VrngFrontend rng = VrngFrontend.connect(guest, "0", TestPlatform.TIMEOUT);
        return new SmallDevicesUnderTest.Rng() {
            @Override
            public long readCrc32(int n) {
                CRC32 crc = new CRC32();
                crc.update(rng.read(n));
                return crc.getValue();
            }

            @Override
            public void close() {
                rng.close();
            }
        };
    }

    @Override
    protected SmallDevicesUnderTest.Console openConsole(TestPlatform platform, String name) {
        FrontendDomain guest = platform.guest("cons");
        platform.backends.attachConsole(guest.domid(), 1, name);
        ConsoleFrontend console = ConsoleFrontend.connect(guest, "1", TestPlatform.TIMEOUT);
        return new SmallDevicesUnderTest.Console() {
            private final StringBuilder pending = new StringBuilder();

            @Override
            public void write(String text) {
                console.print(text);
            }

            @Override
            public String readLine(Duration wait) {
                long deadline = System.nanoTime() + wait.toNanos();
                while (pending.indexOf("\n") < 0 && System.nanoTime() < deadline) {
                    pending.append(new String(console.read(1, Duration.ofMillis(50)), StandardCharsets.UTF_8));
                }
                int nl = pending.indexOf("\n");
                if (nl < 0) {
                    return null;
                }
                String line = pending.substring(0, nl);
                pending.delete(0, nl + 1);
                return line;
            }

            @Override
            public void close() {
                console.close();
            }
        };
    }
}
