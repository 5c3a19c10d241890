package io.splitvisor.system;

import io.splitvisor.toolstack.images.CatFsImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The split-driver example guests end to end on the interpreter, against dom0's backends, through
 * {@code splitvisor run} with its device options: blkdemo, catfile, rngdemo, netping, the
 * frontend-under-test scripts, and the frontends against misbehaving backends (badback, badnet).
 */
class SplitDriverGuestsTest {
    private static final String TEXT = "Hello from a disk image.\nSecond line.\n";
    private static final String TEXT_CRC = "crc32 0x74501429";

    @TempDir
    static Path dir;
    private static Path disk;
    private static Path catImage;
    private static Path rawText;

    @BeforeAll
    static void images() throws Exception {
        disk = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(8 << 20);
        }
        byte[] text = TEXT.getBytes(StandardCharsets.US_ASCII);
        catImage = dir.resolve("cat.img");
        Files.write(catImage, CatFsImage.build(List.of(new CatFsImage.File("hello.txt", text),
                new CatFsImage.File("second.bin", new byte[1000]))));
        rawText = dir.resolve("raw.txt");
        Files.write(rawText, java.util.Arrays.copyOf(text, 512));
    }

    private static String guest(String name) {
        return ExampleGuests.frontendElf(name).toString();
    }

    private static Arguments test(String name, List<String> args, String... expected) {
        return Arguments.of(Named.of(name, args), List.of(expected));
    }

    private static List<String> args(Object... parts) {
        List<String> out = new ArrayList<>(List.of("run", "--engine", "interp", "--timeout", "240"));
        for (Object p : parts) {
            out.add(p.toString());
        }
        return out;
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>(List.of(
                test("blkdemo", args(guest("blkdemo"), "--disk", disk, "--cmdline", "size=2048 passes=2"),
                        "pass 1: wrote 2048 KiB", "verified", "blkdemo: ok"),
                test("blkdemo-ro", args(guest("blkdemo"), "--disk", disk + ":ro", "--cmdline", "size=64"),
                        "write refused (EROFS)", "blkdemo: ok"),
                test("catfile", args(guest("catfile"), "--disk", catImage + ":ro", "--cmdline", "file=hello.txt"),
                        "Second line.", "catfile: hello.txt: 38 bytes, " + TEXT_CRC),
                test("catfile-list", args(guest("catfile"), "--disk", catImage + ":ro", "--cmdline", "list"), "catfile: 2 files"),
                test("catfile-raw", args(guest("catfile"), "--disk", rawText + ":ro"), "catfile: (raw disk): 38 bytes, " + TEXT_CRC),
                test("rngdemo", args(guest("rngdemo"), "--rng"), "rngdemo: ok"),
                test("netping", args(guest("netping"), guest("netping"), "--nic", "--cmdline", "role=ping count=200 burst=1000",
                                "--cmdline", "role=pong"),
                        "netping: ping: 200 round trips", "burst of 1000 requests (window 32): 1000 replies",
                        "netping: pong: answered 1200 requests"),
                test("fut-blk", args(guest("frontend-under-test"), "--disk", disk, "--cmdline",
                                "ops=blk-open,blk-write:100:1:7,blk-read:100:1:7,blk-write:0:300:3,blk-read:0:300:3,blk-flush,"
                                        + "blk-discard:0:8,blk-read:16383:2,blk-close"),
                        "blk-write:100:1:7 -> OK crc32=0x95cd28a3", "blk-read:100:1:7 -> OK crc32=0x95cd28a3 verify=ok",
                        "blk-read:0:300:3 -> OK", "blk-discard:0:8 -> OK", "blk-read:16383:2 -> ERR ERANGE", "fut: done ok=8 err=1"),
                test("fut-blk-ro", args(guest("frontend-under-test"), "--disk", disk + ":ro", "--cmdline",
                                "ops=blk-open,blk-write:0:1:1,blk-discard:0:8,blk-read:0:8"),
                        "readonly=1", "blk-write:0:1:1 -> ERR EROFS", "blk-discard:0:8 -> ERR EROFS", "blk-read:0:8 -> OK"),
                test("fut-console", args(guest("frontend-under-test"), "--console", "chan0", "--cmdline",
                                "ops=cons-open,cons-write:hello%20console%0A,cons-close,cons-open,cons-write:again%0A,cons-close"),
                        "cons-open -> OK name=console/1 channel=chan0", "/chan0] hello console", "/chan0] again", "fut: done ok=6 err=0"),
                test("fut-rng", args(guest("frontend-under-test"), "--rng", "--cmdline", "ops=rng-open,rng-read:100000,rng-close"),
                        "distinct=256", "fut: done ok=3 err=0"),
                test("fut-net", args(guest("frontend-under-test"), guest("frontend-under-test"), "--nic", "--cmdline",
                                "ops=net-open,sleep:2000,net-send:bcast:88b5:60:1,net-recv:5000", "--cmdline", "ops=net-open,net-echo:1:10000"),
                        "net-echo:1:10000 -> OK echoed=1", "net-recv:5000 -> OK len=60"),
                test("fut-nodev", args(guest("frontend-under-test"), "--cmdline", "ops=blk-open,net-open,cons-open,rng-open"),
                        "blk-open -> ERR ENODEV", "net-open -> ERR ENODEV", "fut: done ok=0 err=4")));
        for (String mode : new String[] {"none", "id", "dup", "op", "status", "prod", "silent", "close", "initwait", "4k"}) {
            cases.add(test("badback-" + mode, args(guest("badback"), guest("badback"), "--cmdline", "role=frontend mode=" + mode,
                    "--cmdline", "role=backend mode=" + mode), "[1:badback] badback: " + mode + ": ok", "[2:badback]"));
        }
        for (String mode : new String[] {"none", "txid", "rxslot", "rxprod", "rxlen", "rxcopy"}) {
            cases.add(test("badnet-" + mode, args(guest("badnet"), guest("badnet"), "--cmdline", "role=frontend mode=" + mode,
                    "--cmdline", "role=backend mode=" + mode), "[1:badnet] badnet: " + mode + ": ok", "[2:badnet] badnet:"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void exampleGuest(List<String> args, List<String> expected) {
        Cli.Run r = Cli.run(args.toArray(new String[0]));
        String all = r.all();
        assertEquals(0, r.code(), all);
        for (String want : expected) {
            assertTrue(all.contains(want), "missing '" + want + "' in:\n" + all);
        }
    }
}
