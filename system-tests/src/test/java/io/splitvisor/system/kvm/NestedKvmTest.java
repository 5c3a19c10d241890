package io.splitvisor.system.kvm;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The KVM engine on real KVM. Where this machine has a usable {@code /dev/kvm} the checks run here; elsewhere they
 * run in the nested-KVM VM of {@code tools/kvm-vm/run-in-kvm-vm.sh} (one boot, one JVM inside), while this JVM
 * computes the interpreter's side. First {@code kvm-smoke} proves {@code /dev/kvm} runs guest code; then, if this build
 * has the KVM engine, every example guest and the generated straight-line programs must give the same results on
 * both engines, and the bench figures of both are reported. Skipped, with the reason, where no VM can be made.
 * {@code -Dsplitvisor.kvm.seed=S} reproduces a program set; {@code -Dsplitvisor.kvm.programs=N} sets its size;
 * {@code -Dsplitvisor.kvm.engine=interp} puts the interpreter on the KVM side (a check of this harness itself).
 * The VM's command line is kept in {@code target/kvm-vm/command} for running it by hand.
 */
class NestedKvmTest {
    private static final int VM_LIMIT_SECONDS = 600;
    private static final String NOT_BUILT = "not available in this build";

    @TempDir
    Path images;

    @Test
    void kvmEngineMatchesTheInterpreter() throws Exception {
        Path root = Path.of(System.getProperty("splitvisor.root", "..")).toAbsolutePath().normalize();
        Path work = Path.of("target", "kvm-vm").toAbsolutePath();
        Files.createDirectories(work);
        long seed = Long.getLong("splitvisor.kvm.seed", System.nanoTime());
        int programs = Integer.getInteger("splitvisor.kvm.programs", 300);
        String engine = System.getProperty("splitvisor.kvm.engine", "kvm");
        Path smoke = buildSmoke(root, work);
        Path results = work.resolve("kvm.results");
        Files.deleteIfExists(results);
        // C1 only: under emulation the JVM's compile time outweighs C2's faster code for a run this short
        List<String> checks = List.of(javaCommand(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx1g",
                "-cp", classPath(), "-Dsplitvisor.root=" + root,
                KvmChecks.class.getName(), engine, results.toString(), "" + seed, "" + programs, "bench");
        log("seed " + seed + " (reproduce with -Dsplitvisor.kvm.seed=" + seed + "), " + programs + " programs");

        CheckResults kvm;
        CheckResults interp;
        if (nativeKvm()) {
            log("/dev/kvm is usable here: running the checks without a VM");
            ProcessBuilder pb = new ProcessBuilder(smoke.toString()).redirectErrorStream(true);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
            log(out.strip());
            interp = KvmChecks.run("interp", Files.createDirectories(images.resolve("interp")), seed, programs, false);
            interpreterSideHolds(interp);
            kvm = KvmChecks.run(engine, Files.createDirectories(images.resolve("kvm")), seed, programs, true);
        } else {
            List<String> command = new ArrayList<>(List.of("bash", "-c", "\"$0\" && exec \"$@\"", smoke.toString()));
            command.addAll(checks);
            Files.write(work.resolve("command"), List.of(vmCommandLine(root, work, command)));
            try (NestedKvmVm vm = new NestedKvmVm(root, work)) {
                long t0 = System.nanoTime();
                vm.start(command, VM_LIMIT_SECONDS);
                // the interpreter's side runs here meanwhile, on the host's other core
                interp = KvmChecks.run("interp", Files.createDirectories(images.resolve("interp")), seed, programs, false);
                interpreterSideHolds(interp);
                NestedKvmVm.Outcome o = vm.await(VM_LIMIT_SECONDS);
                log(String.format("VM run: %s after %.1f s", o.status(), (System.nanoTime() - t0) / 1e9));
                Assumptions.assumeFalse(o.unavailable(), "nested KVM VM " + o.status());
                System.out.print(o.stdout());
                assertTrue(o.exitedZero(), "the nested KVM run ended with '" + o.status() + "'\nstdout:\n" + o.stdout()
                        + "\nstderr:\n" + o.stderr());
                assertTrue(o.stdout().contains("kvm-smoke: ok"), o.stdout());
            }
            kvm = CheckResults.read(results);
        }
        compare(interp, kvm);
    }

    /** What the interpreter's results must show whatever KVM does: every guest run and every program complete. */
    private static void interpreterSideHolds(CheckResults interp) {
        assertEquals("every example guest has a run", interp.get("catalog"));
        for (String name : interp.names("guest ")) {
            assertTrue(!interp.get(name).contains("missing expected lines"), name + " on the interpreter:\n"
                    + interp.get(name));
        }
        for (String name : interp.names("program ")) {
            String[] head = interp.get(name).split("\n", 2)[0].split(" ");
            assertTrue(head[0].equals("HLT") && head[2].equals("code+" + head[4]), name
                    + " did not run to its final HLT on the interpreter:\n" + interp.get(name));
        }
    }

    private static void compare(CheckResults interp, CheckResults kvm) {
        String unavailable = kvm.get(KvmChecks.ENGINE_UNAVAILABLE);
        if (unavailable != null) {
            assertTrue(unavailable.contains(NOT_BUILT), "the KVM engine did not start on a working /dev/kvm: "
                    + unavailable);
            log("the KVM engine is not in this build: /dev/kvm was checked (kvm-smoke), engine comparisons skipped");
            return;
        }
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, String> e : interp.all().entrySet()) {
            String theirs = kvm.get(e.getKey());
            if (!e.getValue().equals(theirs)) {
                differences.add(e.getKey() + "\n--- interpreter:\n" + e.getValue() + "\n--- kvm:\n" + theirs);
            }
        }
        benchReport(kvm);
        log((interp.all().size() - differences.size()) + " of " + interp.all().size() + " checks agree");
        if (!differences.isEmpty()) {
            fail(differences.size() + " checks differ between the interpreter and KVM; the first:\n"
                    + String.join("\n\n", differences.subList(0, Math.min(5, differences.size()))));
        }
    }

    /** Prints the bench figures and KVM's speed-up over the interpreter (interpreter time / KVM time). */
    private static void benchReport(CheckResults kvm) {
        for (String name : kvm.names("bench kvm ")) {
            String figure = name.substring("bench kvm ".length());
            String interp = kvm.get("bench interp " + figure);
            if (interp != null) {
                long k = Long.parseLong(kvm.get(name));
                long i = Long.parseLong(interp);
                log(String.format("bench %s: kvm %d, interpreter %d, kvm %.2fx faster", figure, k, i,
                        k == 0 ? Double.NaN : (double) i / k));
            }
        }
    }

    private static String vmCommandLine(Path root, Path work, List<String> command) {
        StringBuilder b = new StringBuilder("cd '" + root + "' && tools/kvm-vm/run-in-kvm-vm.sh --rw '" + work + "' --");
        command.forEach(c -> b.append(" '").append(c.replace("'", "'\\''")).append('\''));
        return b.toString();
    }

    private static boolean nativeKvm() {
        Path dev = Path.of("/dev/kvm");
        return Files.isReadable(dev) && Files.isWritable(dev);
    }

    /** kvm-smoke, compiled statically (it runs inside the VM, whose root is the host's). */
    private static Path buildSmoke(Path root, Path work) throws IOException, InterruptedException {
        Path binary = work.resolve("kvm-smoke");
        Process p = new ProcessBuilder("gcc", "-static", "-O2", "-Wall", "-o", binary.toString(),
                root.resolve("tools/kvm-vm/kvm-smoke.c").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "gcc -static kvm-smoke.c failed:\n" + out);
        return binary;
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The test class path (surefire puts it in a property; its own class path is a manifest-only jar). */
    private static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    private static void log(String line) {
        System.out.println("NestedKvmTest: " + line);
    }
}
