package io.splitvisor.frontend.blk;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitvisor.backend.Dom0Backends;
import io.splitvisor.core.domain.Engines;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.frontend.FrontendDomain;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a child JVM by {@link FlushSurvivesKillTest}: writes sectors 8-15 of the image with the
 * byte given, flushes, says "flushed" and waits to be killed.
 */
public final class FlushThenHang {
    private FlushThenHang() {
    }

    public static void main(String[] args) throws Exception {
        Hypervisor hv = new Hypervisor(new Engines());
        Dom0Backends backends = new Dom0Backends(hv, new SimpleMeterRegistry());
        FrontendDomain guest = FrontendDomain.create(hv, "durable", 8 << 20);
        backends.attachDisk(guest.domid(), 0, Path.of(args[0]), false);
        BlockFrontend disk = BlockFrontend.connect(guest, "51712", Duration.ofSeconds(20));
        byte[] data = new byte[8 * 512];
        java.util.Arrays.fill(data, (byte) Integer.parseInt(args[1]));
        disk.write(8, data, 0, data.length);
        disk.flush();
        System.out.println("flushed");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
