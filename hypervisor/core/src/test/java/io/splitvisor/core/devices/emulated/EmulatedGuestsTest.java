package io.splitvisor.core.devices.emulated;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.DomainConfig;
import io.splitvisor.core.domain.Engines;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.domain.ShutdownInfo;
import io.splitvisor.core.metrics.CoreMeters;
import io.splitvisor.core.testing.TestGuests;
import io.splitvisor.core.loader.GuestImageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tiny guests driving each emulated device through real port I/O on the interpreter. */
class EmulatedGuestsTest {
    @Test
    void uartGuestPrintsThroughTheConsoleAndEchoesInput() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Hypervisor hv = new Hypervisor(new Engines(), registry, io.splitvisor.core.domain.CrashReporter.REGISTERS_ONLY)) {
            Domain d = hv.createGuest(DomainConfig.guest("uart", TestGuests.build("uart"))
                    .withMemory(8 << 20).withDevices(List.of(EmulatedDevices.uart())));
            // typed once the guest is past its loopback check (bytes arriving earlier would be in the FIFO it flushes)
            d.console().addListener((log, line) -> {
                if (line.equals("uart says hi")) {
                    log.sendInput("hello uart\n".getBytes(StandardCharsets.US_ASCII));
                }
            });
            hv.start(d);
            ShutdownInfo end = d.ended().get(30, TimeUnit.SECONDS);
            String out = d.console().text();
            assertEquals(0, end.exitCode(), out);
            assertTrue(out.contains("uart says hi\ngot: hello uart\n"), out);
            double exits = registry.get(CoreMeters.DEVICE_EXITS).tag("device", "uart0")
                    .tag("domain", Integer.toString(d.domid())).counter().count();
            assertTrue(exits >= 2 * "uart says hi\ngot: hello uart\n".length(), "each byte is an LSR poll and a THR write: " + exits);
        }
    }

    @Test
    void ataGuestIdentifiesReadsWritesFlushesAndHitsTheEnd(@TempDir Path dir) throws Exception {
        ataGuest(dir.resolve("per-element.img"), false);
        ataGuest(dir.resolve("batched.img"), true);
    }

    /** The ATA test guest with string I/O one exit per element, or batched up to a page per exit. */
    private static void ataGuest(Path image, boolean batch) throws Exception {
        byte[] content = new byte[64 * 512];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i / 512);
        }
        Files.write(image, content);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Hypervisor hv = new Hypervisor(new Engines(), registry, io.splitvisor.core.domain.CrashReporter.REGISTERS_ONLY)) {
            Domain d = hv.createGuest(DomainConfig.guest("ata", TestGuests.build("ata"))
                    .withMemory(8 << 20).withDevices(List.of(EmulatedDevices.ataDisk(image, false)))
                    .withBatchStringIo(batch));
            hv.start(d);
            ShutdownInfo end = d.ended().get(60, TimeUnit.SECONDS);
            String out = d.console().text();
            assertEquals(0, end.exitCode(), out);
            assertTrue(out.contains("identify: lba48\nidentify: sectors 64\nread28 ok\nwrite48 flushed\nread48 ok\n"
                    + "past the end: IDNF\n"), out);
            byte[] after = Files.readAllBytes(image);
            for (int i = 0; i < after.length; i++) {
                int sector = i / 512;
                assertEquals(sector == 10 || sector == 11 ? (byte) 0xC3 : (byte) sector, after[i], "byte " + i);
            }
            double exits = registry.get(CoreMeters.DEVICE_EXITS).tag("device", "ata0")
                    .tag("domain", Integer.toString(d.domid())).counter().count();
            if (batch) {
                // 3 KiB through the data port: one exit per REP INSW/OUTSW (a page at most), not one per word
                assertTrue(exits > 5 && exits < 200, "exits of the disk (batched): " + exits);
            } else {
                // one exit per 16-bit word moved, plus the register accesses
                assertTrue(exits >= 1536 && exits < 2000, "exits of the disk (per element): " + exits);
            }
        }
    }

    @Test
    void aMissingImageFailsTheCreationInOneLine(@TempDir Path dir) {
        try (Hypervisor hv = new Hypervisor(new Engines())) {
            Path missing = dir.resolve("missing.img");
            GuestImageException e = assertThrows(GuestImageException.class, () -> hv.createGuest(
                    DomainConfig.guest("ata", TestGuests.build("ata")).withMemory(8 << 20)
                            .withDevices(List.of(EmulatedDevices.uart(), EmulatedDevices.ataDisk(missing, true)))));
            assertEquals("ata0: " + missing + ": no such file", e.getMessage());
        }
    }

    /** A segment that answers every frame with "pong" and the frame's payload, addressed back to its sender. */
    private static final class EchoSegment implements EthernetSegment {
        final java.util.Queue<byte[]> replies = new java.util.concurrent.ConcurrentLinkedQueue<>();
        final java.util.List<byte[]> sent = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public Link connect(String name, long mac) {
            return new Link() {
                @Override
                public void transmit(byte[] frame) {
                    sent.add(frame);
                    byte[] reply = new byte[frame.length + 4];
                    System.arraycopy(frame, 6, reply, 0, 6);
                    reply[6] = 0x02;
                    reply[12] = (byte) 0x88;
                    reply[13] = (byte) 0xB5;
                    System.arraycopy("pong".getBytes(StandardCharsets.US_ASCII), 0, reply, 14, 4);
                    System.arraycopy(frame, 14, reply, 18, frame.length - 14);
                    replies.add(reply);
                }

                @Override
                public byte[] receive() {
                    return replies.poll();
                }

                @Override
                public void received(byte[] frame, boolean stored) {
                }

                @Override
                public void close() {
                }
            };
        }
    }

    @Test
    void ne2000GuestReadsItsPromSendsAndReceivesThroughTheRing() throws Exception {
        EchoSegment segment = new EchoSegment();
        try (Hypervisor hv = new Hypervisor(new Engines())) {
            Domain d = hv.createGuest(DomainConfig.guest("ne2000", TestGuests.build("ne2000")).withMemory(8 << 20)
                    .withDevices(List.of(EmulatedDevices.ne2000(segment, 0x0016_3E00_0A0BL))));
            hv.start(d);
            ShutdownInfo end = d.ended().get(60, TimeUnit.SECONDS);
            String out = d.console().text();
            assertEquals(0, end.exitCode(), out);
            assertTrue(out.contains("ne2000: mac last byte 11\nne2000: sent\nne2000: reply bytes 68\nne2000: reply ok\n"), out);
            assertEquals(1, segment.sent.size());
            byte[] frame = segment.sent.get(0);
            assertEquals(64, frame.length);
            assertEquals("ping from ne2000", new String(frame, 14, 16, StandardCharsets.US_ASCII));
            assertEquals(0x0B, frame[11], "the source address is the PROM's");
        }
    }
}
