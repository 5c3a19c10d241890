package io.splitvisor.core.domain;

import io.splitvisor.engine.CpuidModel;
import io.splitvisor.engine.Engine;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.Vcpu;
import io.splitvisor.kvm.sys.KvmException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How --engine interp|kvm|auto is resolved, with and without a usable KVM. */
class EnginesTest {
    private final List<String> notices = new ArrayList<>();

    @Test
    void autoFallsBackToTheInterpreterAndSaysWhyOnce() {
        int[] opens = {0};
        Engines engines = new Engines(() -> {
            opens[0]++;
            throw new KvmException("/dev/kvm does not exist (no KVM on this machine): ENOENT (errno 2)", 2);
        }, notices::add);
        assertEquals("interp", engines.engine("auto").name());
        assertEquals("interp", engines.engine("auto").name());
        assertEquals(List.of("engine auto: using interp (KVM is unavailable: /dev/kvm does not exist (no KVM on this "
                + "machine): ENOENT (errno 2))"), notices);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> engines.engine("kvm"));
        assertEquals("--engine kvm: /dev/kvm does not exist (no KVM on this machine): ENOENT (errno 2)", e.getMessage());
        assertEquals(1, opens[0], "KVM is probed once");
        assertEquals("interp", engines.engine("interp").name());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> engines.engine("qemu")).getMessage()
                .contains("unknown engine 'qemu'"));
    }

    @Test
    void aMissingNativeLibraryCountsAsNoKvm() {
        Engines engines = new Engines(() -> {
            throw new UnsatisfiedLinkError("jnidispatch not found");
        }, notices::add);
        assertEquals("interp", engines.engine("auto").name());
        assertTrue(notices.get(0).contains("jnidispatch not found"), notices.toString());
    }

    @Test
    void autoTakesKvmWhenItOpens() {
        Engine fakeKvm = new Engine() {
            @Override
            public String name() {
                return "kvm";
            }

            @Override
            public Vcpu createVcpu(GuestMemory memory, CpuidModel cpuid) {
                throw new UnsupportedOperationException();
            }
        };
        Engines engines = new Engines(() -> fakeKvm, notices::add);
        assertSame(fakeKvm, engines.engine("auto"));
        assertSame(fakeKvm, engines.engine("kvm"));
        assertEquals(List.of("engine auto: using kvm (/dev/kvm is usable)"), notices);
    }

    @Test
    void onThisMachineTheRealProbeGivesAOneLineReasonOrKvm() {
        Engines engines = new Engines(notices::add);
        Engine e = engines.engine("auto");
        assertEquals(1, notices.size());
        if (e.name().equals("interp")) {
            String m = assertThrows(IllegalArgumentException.class, () -> engines.engine("kvm")).getMessage();
            assertTrue(m.startsWith("--engine kvm: "), m);
            assertEquals(1, m.lines().count());
        }
    }
}
