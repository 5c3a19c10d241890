package io.splitvisor.toolstack.bench;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.Exit;
import io.splitvisor.engine.ExitReason;
import io.splitvisor.engine.Gpr;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import io.splitvisor.engine.image.ElfImage;
import io.splitvisor.x86.exec.InterpreterVcpu;
import io.splitvisor.x86.loader.LongModeSetup;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The benchmark's tiny guests do what they say. */
class TinyElfTest {
    @Test
    void integerLoopRunsItsIterationsThenExitsWithZero() throws Exception {
        ElfImage image = ElfImage.parse("loop.elf", TinyElf.integerLoop(1000));
        GuestMemory memory = GuestMemory.allocate(new MemoryRegion(0, 4 << 20));
        try (InterpreterVcpu vcpu = new InterpreterVcpu(memory, CpuidModel.standard())) {
            for (ElfImage.Segment s : image.segments()) {
                memory.write(s.address(), image.fileBytes(s));
            }
            vcpu.setState(LongModeSetup.build(memory, 0x200000, image.entry(), 0x300000));
            Exit e = vcpu.run(1_000_000);
            assertEquals(ExitReason.IO_OUT, e.reason());
            assertEquals(0xF4, e.port());
            assertEquals(0, e.data());
            assertEquals(5 * 1000 + 3, vcpu.retiredInstructions(), "mov, five per loop, mov, out");
            assertEquals(0, vcpu.gpr(Gpr.RCX));
            assertEquals(-3000, vcpu.gpr(Gpr.RBX));
        } finally {
            memory.release();
        }
        assertThrows(IllegalArgumentException.class, () -> TinyElf.integerLoop(0));
    }
}
