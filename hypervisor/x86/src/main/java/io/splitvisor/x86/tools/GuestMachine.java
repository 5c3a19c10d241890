package io.splitvisor.x86.tools;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import io.splitvisor.x86.exec.InterpreterVcpu;
import io.splitvisor.engine.image.ElfFormatException;
import io.splitvisor.engine.image.ElfImage;
import io.splitvisor.x86.loader.LongModeSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads a static guest ELF into 64 MiB of RAM in long mode and runs it with the debug ports (tests, benchmarks). */
public final class GuestMachine {
    public static final long RAM = 64L << 20;
    public static final long TABLES = 0x8000;

    private GuestMachine() {
    }

    public static GuestRun.Outcome run(Path elf, long maxInstructions) throws IOException {
        GuestMemory memory = GuestMemory.allocate(new MemoryRegion(0, RAM));
        ElfImage image;
        try {
            image = ElfImage.parse(elf.toString(), Files.readAllBytes(elf));
            image.copyInto(memory);
        } catch (ElfFormatException e) {
            throw new IOException(e.getMessage());
        }
        try (InterpreterVcpu vcpu = new InterpreterVcpu(memory, CpuidModel.standard())) {
            vcpu.setState(LongModeSetup.build(memory, TABLES, image.entry(), RAM));
            vcpu.setStringIoBatching(true);
            return GuestRun.run(vcpu, maxInstructions, null);
        }
    }
}
