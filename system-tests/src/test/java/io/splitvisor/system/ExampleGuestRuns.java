package io.splitvisor.system;

import io.splitvisor.toolstack.images.CatFsImage;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every example guest as a {@code splitvisor run} invocation with the lines its output must contain: the split-driver
 * guests (with their disk images, built here) and the guest SDK's programs. The engine is a parameter, so the same
 * runs serve the interpreter tests and the KVM comparison.
 */
public final class ExampleGuestRuns {
    private static final String TEXT = "Hello from a disk image.\nSecond line.\n";
    private static final String TEXT_CRC = "crc32 0x74501429";

    /** One invocation: a name, the arguments after {@code run --engine E}, the lines the output must contain. */
    public record GuestRun(String name, List<String> args, List<String> expected) {
        /** The whole command line for an engine, with a timeout in seconds. */
        public String[] commandLine(String engine, int timeoutSeconds) {
            List<String> all = new ArrayList<>(List.of("run", "--engine", engine, "--timeout", "" + timeoutSeconds));
            all.addAll(args);
            return all.toArray(new String[0]);
        }

        /** The guest images this run starts (file names without .elf). */
        public List<String> guests() {
            return args.stream().filter(a -> a.endsWith(".elf"))
                    .map(a -> Path.of(a).getFileName().toString().replace(".elf", "")).toList();
        }
    }

    private final Path disk;
    private final Path catImage;
    private final Path rawText;

    private ExampleGuestRuns(Path dir) throws IOException {
        disk = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(8 << 20);
        }
        byte[] text = TEXT.getBytes(StandardCharsets.US_ASCII);
        catImage = dir.resolve("cat.img");
        Files.write(catImage, CatFsImage.build(List.of(new CatFsImage.File("hello.txt", text),
                new CatFsImage.File("second.bin", new byte[1000]))));
        rawText = dir.resolve("raw.txt");
        Files.write(rawText, Arrays.copyOf(text, 512));
    }

    /** The runs, with their disk images written into {@code dir}. */
    public static ExampleGuestRuns in(Path dir) throws IOException {
        return new ExampleGuestRuns(dir);
    }

    /** Every example guest, each at least once. */
    public List<GuestRun> all() {
        List<GuestRun> all = new ArrayList<>(guestSdk());
        all.addAll(splitDrivers());
        return all;
    }

    /** The guest SDK's example programs, with small work counts (they also run under emulation). */
    public List<GuestRun> guestSdk() {
        String pingpong = sdk("pingpong");
        return List.of(
                run("hello", List.of(sdk("hello"), "--cmdline", "greeting"), "Hello from domain 1",
                        "cmdline \"greeting\""),
                run("pingpong", List.of(pingpong, pingpong, "--cmdline", "role=ping rounds=500",
                        "--cmdline", "role=pong rounds=500"), "[1:pingpong] pingpong: 500 round trips ok",
                        "revoked after pong unmapped it"),
                run("storeplay", List.of(sdk("storeplay")), "commit answered EAGAIN", "storeplay: ok"),
                run("selftest", List.of(sdk("selftest")), "selftest: ok"),
                run("hcbench", List.of(sdk("hcbench"), "--cmdline", "ops=500"), "doorbell: 500 ops in ",
                        "gate: 500 ops in ", "gate-version: 500 ops in "),
                run("crash", List.of(sdk("crash")), "page fault (#PF, vector 14) at rip 0x",
                        "faulting address (cr2) 0x0000000000000000", "crashed: page fault at address 0x0"));
    }

    /** The split-driver guests against dom0's backends, and against misbehaving backend guests. */
    public List<GuestRun> splitDrivers() {
        List<GuestRun> runs = new ArrayList<>(List.of(
                run("blkdemo", List.of(fe("blkdemo"), "--disk", "" + disk, "--cmdline", "size=2048 passes=2"),
                        "pass 1: wrote 2048 KiB", "verified", "blkdemo: ok"),
                run("blkdemo-ro", List.of(fe("blkdemo"), "--disk", disk + ":ro", "--cmdline", "size=64"),
                        "write refused (EROFS)", "blkdemo: ok"),
                run("catfile", List.of(fe("catfile"), "--disk", catImage + ":ro", "--cmdline", "file=hello.txt"),
                        "Second line.", "catfile: hello.txt: 38 bytes, " + TEXT_CRC),
                run("catfile-list", List.of(fe("catfile"), "--disk", catImage + ":ro", "--cmdline", "list"),
                        "catfile: 2 files"),
                run("catfile-raw", List.of(fe("catfile"), "--disk", rawText + ":ro"),
                        "catfile: (raw disk): 38 bytes, " + TEXT_CRC),
                run("rngdemo", List.of(fe("rngdemo"), "--rng"), "rngdemo: ok"),
                run("netping", List.of(fe("netping"), fe("netping"), "--nic", "--cmdline",
                                "role=ping count=200 burst=1000", "--cmdline", "role=pong"),
                        "netping: ping: 200 round trips", "burst of 1000 requests (window 32): 1000 replies",
                        "netping: pong: answered 1200 requests"),
                run("fut-blk", List.of(fe("frontend-under-test"), "--disk", "" + disk, "--cmdline",
                                "ops=blk-open,blk-write:100:1:7,blk-read:100:1:7,blk-write:0:300:3,blk-read:0:300:3,"
                                        + "blk-flush,blk-discard:0:8,blk-read:16383:2,blk-close"),
                        "blk-write:100:1:7 -> OK crc32=0x95cd28a3", "blk-read:100:1:7 -> OK crc32=0x95cd28a3 verify=ok",
                        "blk-read:0:300:3 -> OK", "blk-discard:0:8 -> OK", "blk-read:16383:2 -> ERR ERANGE",
                        "fut: done ok=8 err=1"),
                run("fut-blk-ro", List.of(fe("frontend-under-test"), "--disk", disk + ":ro", "--cmdline",
                                "ops=blk-open,blk-write:0:1:1,blk-discard:0:8,blk-read:0:8"),
                        "readonly=1", "blk-write:0:1:1 -> ERR EROFS", "blk-discard:0:8 -> ERR EROFS", "blk-read:0:8 -> OK"),
                run("fut-console", List.of(fe("frontend-under-test"), "--console", "chan0", "--cmdline",
                                "ops=cons-open,cons-write:hello%20console%0A,cons-close,cons-open,cons-write:again%0A,"
                                        + "cons-close"),
                        "cons-open -> OK name=console/1 channel=chan0", "/chan0] hello console", "/chan0] again",
                        "fut: done ok=6 err=0"),
                run("fut-rng", List.of(fe("frontend-under-test"), "--rng", "--cmdline",
                        "ops=rng-open,rng-read:100000,rng-close"), "distinct=256", "fut: done ok=3 err=0"),
                run("fut-net", List.of(fe("frontend-under-test"), fe("frontend-under-test"), "--nic", "--cmdline",
                                "ops=net-open,sleep:2000,net-send:bcast:88b5:60:1,net-recv:5000", "--cmdline",
                                "ops=net-open,net-echo:1:10000"),
                        "net-echo:1:10000 -> OK echoed=1", "net-recv:5000 -> OK len=60"),
                run("iobench-disk", List.of(fe("iobench"), "--disk", "" + disk, "--cmdline",
                                "io=pv cases=seq,rand mib=1 randops=64"),
                        "result case=seq-read io=pv bytes=1048576", "result case=rand-read", "errors=0", "iobench: ok"),
                run("iobench-net", List.of(fe("iobench"), fe("iobench"), "--nic", "--cmdline",
                                "io=pv cases=rtt,flood,console rtts=50 frames=200 lines=5", "--cmdline", "io=pv cases=echo"),
                        "result case=net-flood io=pv bytes=302800 ops=200", "received=200 lost=0",
                        "iobench-line 00000004", "[2:iobench] iobench: ok"),
                run("iodemo-disk", List.of(fe("iodemo"), "--disk", "" + disk, "--cmdline", "test=disk io=pv size=256"),
                        "read back: crc32 0x", "verified", "read past the end: ERANGE", "iodemo: ok"),
                run("iodemo-net", List.of(fe("iodemo"), fe("iodemo"), "--nic", "--cmdline", "test=net role=ping io=pv count=10",
                                "--cmdline", "test=net role=pong io=pv"),
                        "net: 10 echoes of 256-byte frames verified", "net: echoed 10 frames", "[2:iodemo] iodemo: ok"),
                run("iodemo-uart", List.of(fe("iodemo"), "--uart", "--cmdline", "test=console io=emulated lines=3"),
                        "iodemo: console uart@0x3f8 (emulated)", "console: 3 lines written, crc32 0x6a9b9b20", "iodemo: ok"),
                run("fut-nodev", List.of(fe("frontend-under-test"), "--cmdline", "ops=blk-open,net-open,cons-open,rng-open"),
                        "blk-open -> ERR ENODEV", "net-open -> ERR ENODEV", "fut: done ok=0 err=4")));
        for (String mode : new String[] {"none", "id", "dup", "op", "status", "prod", "silent", "close", "initwait", "4k"}) {
            runs.add(run("badback-" + mode, List.of(fe("badback"), fe("badback"), "--cmdline", "role=frontend mode=" + mode,
                    "--cmdline", "role=backend mode=" + mode), "[1:badback] badback: " + mode + ": ok", "[2:badback]"));
        }
        for (String mode : new String[] {"none", "txid", "rxslot", "rxprod", "rxlen", "rxcopy"}) {
            runs.add(run("badnet-" + mode, List.of(fe("badnet"), fe("badnet"), "--cmdline", "role=frontend mode=" + mode,
                    "--cmdline", "role=backend mode=" + mode), "[1:badnet] badnet: " + mode + ": ok", "[2:badnet] badnet:"));
        }
        return runs;
    }

    private static GuestRun run(String name, List<String> args, String... expected) {
        return new GuestRun(name, List.copyOf(args), List.of(expected));
    }

    private static String sdk(String name) {
        return ExampleGuests.elf(name).toString();
    }

    private static String fe(String name) {
        return ExampleGuests.frontendElf(name).toString();
    }
}
