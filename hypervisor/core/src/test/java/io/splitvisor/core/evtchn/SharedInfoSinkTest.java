package io.splitvisor.core.evtchn;

import io.splitvisor.abi.layout.SharedInfoLayout;
import io.splitvisor.engine.GuestMemory;
import io.splitvisor.engine.MemoryRegion;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The 2-level marking in a guest's shared-info page follows Xen's rules. */
class SharedInfoSinkTest {
    private static final long SI = 0x3000;
    private final GuestMemory memory = GuestMemory.allocate(new MemoryRegion(0, 1 << 20));
    private final AtomicInteger upcalls = new AtomicInteger();
    private final AtomicInteger raised = new AtomicInteger();
    private final SharedInfoSink sink = new SharedInfoSink(memory, SI, new SharedInfoSink.Kick() {
        @Override
        public void eventPending() {
            upcalls.incrementAndGet();
        }

        @Override
        public void portRaised() {
            raised.incrementAndGet();
        }
    });

    private long pending(int word) {
        return memory.readU64(SI + SharedInfoLayout.EVTCHN_PENDING + word * 8L);
    }

    @Test
    void raiseSetsPendingSelectorAndUpcallOnce() {
        sink.raise(70);
        assertEquals(1L << 6, pending(1));
        assertEquals(1L << 1, memory.readU64(SI + SharedInfoLayout.VCPU_PENDING_SEL));
        assertEquals(1, memory.readU8(SI + SharedInfoLayout.VCPU_UPCALL_PENDING));
        assertEquals(1, upcalls.get());
        sink.raise(70);
        sink.raise(71);   // same selector word, still unread by the guest: no second upcall
        assertEquals(1, upcalls.get());
        assertTrue(sink.upcallPending());
    }

    @Test
    void maskedPortsRaiseNothingUntilUnmasked() {
        memory.writeU64(SI + SharedInfoLayout.EVTCHN_MASK, 1L << 5);
        sink.raise(5);
        assertTrue(sink.isPending(5));
        assertEquals(0, upcalls.get(), "masked: no upcall");
        assertEquals(1, raised.get(), "but a poller is woken");
        assertFalse(sink.upcallPending());
        sink.unmask(5);
        assertEquals(1, upcalls.get(), "unmask re-raises a pending port");
        assertTrue(sink.upcallPending());
    }

    @Test
    void resetClearsPendingAndMask() {
        memory.writeU64(SI + SharedInfoLayout.EVTCHN_MASK, 1L << 9);
        sink.raise(9);
        sink.reset(9);
        assertFalse(sink.isPending(9));
        assertEquals(0, memory.readU64(SI + SharedInfoLayout.EVTCHN_MASK));
    }

    @Test
    void blockReEnablesUpcallsFirst() {
        memory.writeU8(SI + SharedInfoLayout.VCPU_UPCALL_MASK, 1);
        assertTrue(sink.upcallMasked());
        sink.clearUpcallMask();
        assertFalse(sink.upcallMasked());
    }
}
