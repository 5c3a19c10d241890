package io.splitvisor.abi;

import io.splitvisor.abi.proto.ConsoleWriteRequest;
import io.splitvisor.abi.proto.ConsoleWriteResponse;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hypercall table read from hypercalls.proto is complete and consistent. */
class HypercallTableTest {
    private final HypercallTable table = HypercallTable.get();

    @Test
    void everyIssueFamilyIsPresent() {
        for (String name : new String[] {"Version", "ConsoleWrite", "ConsoleRead", "SchedYield", "SchedBlock",
                "SchedShutdown", "SchedPoll", "EvtchnAllocUnbound", "EvtchnBindInterdomain", "EvtchnSend",
                "EvtchnClose", "EvtchnUnmask", "EvtchnStatus", "EvtchnBindVirq", "GrantQuerySize", "GrantMap",
                "GrantUnmap", "GrantCopy", "MemoryReservation", "SetUpcallVector", "SetTimer", "GetTime",
                "DomainCreate", "DomainDestroy", "DomainPause", "DomainUnpause", "DomainInfo", "DomainList"}) {
            assertEquals(name, table.byName(name).name());
        }
    }

    @Test
    void numbersAreUniqueAndLookupIsExact() {
        Set<Integer> seen = new HashSet<>();
        for (HypercallTable.Op op : table.ops()) {
            assertTrue(seen.add(op.number()), "duplicate " + op.number());
            assertEquals(op, table.lookup(op.number()));
            assertTrue(op.requestType().getName().endsWith("Request"), op.name());
            assertTrue(op.responseType().getName().endsWith("Response"), op.name());
        }
        assertNull(table.lookup(0));
        assertNull(table.lookup(-5));
        assertNull(table.lookup(0x7FFFFFFF));
        assertNull(table.lookup(0x02), "a gap between families");
    }

    @Test
    void typesAreTheGeneratedClassesAndOnlyDomctlIsPrivileged() {
        HypercallTable.Op write = table.byName("ConsoleWrite");
        assertEquals(0x10, write.number());
        assertEquals(ConsoleWriteRequest.getDefaultInstance(), write.requestPrototype());
        assertEquals(ConsoleWriteResponse.getDefaultInstance(), write.responsePrototype());
        for (HypercallTable.Op op : table.ops()) {
            assertEquals(op.name().startsWith("Domain"), op.privileged(), op.name());
        }
        assertFalse(write.privileged());
    }
}
