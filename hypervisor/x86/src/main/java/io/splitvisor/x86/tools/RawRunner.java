package io.splitvisor.x86.tools;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import io.splitvisor.engine.RegisterState;
import io.splitvisor.x86.disasm.Disassembler;
import io.splitvisor.x86.exec.InterpreterVcpu;
import io.splitvisor.engine.image.ElfFormatException;
import io.splitvisor.engine.image.ElfImage;
import io.splitvisor.x86.loader.LongModeSetup;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Loads a flat binary or a static ELF into guest memory, starts it in 64-bit long mode with identity paging (or
 * with registers from a JSON file), runs it on the interpreter until HLT, a fault, the debug-exit port or the
 * instruction limit, and prints the final registers, flags and exit as JSON.
 */
@Command(name = "raw-run", mixinStandardHelpOptions = true,
        description = "Run a flat binary or ELF on the x86-64 interpreter and print the final state as JSON.")
public final class RawRunner implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "flat binary or static x86-64 ELF")
    Path file;

    @Option(names = "--mem", paramLabel = "BASE:SIZE",
            description = "RAM region (repeatable), e.g. 0:64M or 0x100000000:1G; default 0:64M")
    List<String> memory = new ArrayList<>();

    @Option(names = "--load-address", paramLabel = "ADDR", description = "where a flat binary goes (default 0x100000)")
    String loadAddress = "0x100000";

    @Option(names = "--entry", paramLabel = "ADDR", description = "start address (default: ELF entry or load address)")
    String entry;

    @Option(names = "--stack", paramLabel = "ADDR", description = "initial RSP (default: below the page tables)")
    String stack;

    @Option(names = "--page-tables", paramLabel = "ADDR",
            description = "5 pages for identity page tables and GDT (default: the top of the entry's region)")
    String pageTables;

    @Option(names = "--regs", paramLabel = "JSON", description = "initial registers (applied over the defaults)")
    Path regs;

    @Option(names = "--limit", paramLabel = "N", description = "instruction limit (default 1000000000)")
    long limit = 1_000_000_000L;

    @Option(names = "--trace", description = "print every instruction (Intel syntax) to stderr before it runs")
    boolean trace;

    @Option(names = "--console", description = "echo console output (port 0xE9) to stderr as it happens")
    boolean console;

    private final PrintStream out;

    public RawRunner(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns 0 after a run (whatever its outcome), 2 for bad input. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new RawRunner(out));
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof IOException || ex instanceof ElfFormatException) {
                err.println("raw-run: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        cl.setErr(new java.io.PrintWriter(err, true));
        return cl.execute(args);
    }

    @Override
    public Integer call() throws IOException, ElfFormatException {
        List<MemoryRegion> regions = new ArrayList<>();
        for (String m : memory.isEmpty() ? List.of("0:64M") : memory) {
            int colon = m.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("--mem wants BASE:SIZE, got " + m);
            }
            regions.add(new MemoryRegion(RegisterJson.number(m.substring(0, colon), "--mem base"),
                    RegisterJson.number(m.substring(colon + 1), "--mem size")));
        }
        GuestMemory mem = GuestMemory.allocate(regions);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage());
        }
        long start;
        boolean elf = bytes.length >= 4 && bytes[0] == 0x7F && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F';
        if (elf) {
            ElfImage image = ElfImage.parse(file.toString(), bytes);
            image.copyInto(mem);
            start = image.entry();
        } else {
            long at = RegisterJson.number(loadAddress, "--load-address");
            if (!mem.isRamRange(at, bytes.length)) {
                throw new IllegalArgumentException(String.format("flat binary 0x%x+%d does not fit in guest memory",
                        at, bytes.length));
            }
            mem.write(at, bytes);
            start = at;
        }
        if (entry != null) {
            start = RegisterJson.number(entry, "--entry");
        }
        final long entryPoint = start;
        MemoryRegion home = regions.stream().filter(r -> r.contains(entryPoint)).findFirst().orElse(null);
        if (home == null) {
            throw new IllegalArgumentException(String.format("entry point 0x%x is outside guest memory", start));
        }
        long tables = pageTables != null ? RegisterJson.number(pageTables, "--page-tables")
                : home.end() - LongModeSetup.PAGES * 4096L;
        long rsp = stack != null ? RegisterJson.number(stack, "--stack") : tables;
        RegisterState s = LongModeSetup.build(mem, tables, start, rsp);
        if (regs != null) {
            RegisterJson.apply(Json.parse(Files.readString(regs)), s);
        }
        try (InterpreterVcpu vcpu = new InterpreterVcpu(mem, CpuidModel.standard())) {
            vcpu.setState(s);
            vcpu.setStringIoBatching(true);
            if (trace) {
                vcpu.setTrace((v, insn) -> System.err.printf("%016x: %s%n", insn.startRip(),
                        Disassembler.format(insn)));
            }
            GuestRun.Outcome o = GuestRun.run(vcpu, limit, console ? System.err : null);
            out.print(Json.write(report(vcpu, o)));
        }
        return 0;
    }

    private static Map<String, Object> report(InterpreterVcpu vcpu, GuestRun.Outcome o) {
        RegisterState s = vcpu.state();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("exit", RegisterJson.exit(o.exit()));
        m.put("exitCode", o.exitCode() == null ? null : (long) o.exitCode());
        m.put("instructions", o.instructions());
        m.put("console", new String(o.console(), StandardCharsets.ISO_8859_1));
        m.put("at", vcpu.disassembleAt(s.rip));
        m.put("registers", RegisterJson.registers(s));
        m.put("flags", RegisterJson.flags(s.rflags));
        m.put("control", RegisterJson.control(s));
        return m;
    }
}
