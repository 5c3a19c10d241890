package io.splitvisor.core.grant;

import io.splitvisor.engine.GuestMemory;

/** What the grant service needs of a domain. */
public interface GrantDomain {
    int domid();

    /** Its grant table, or null for a domain that grants nothing (dom0). */
    GrantTable grantTable();

    /** Its mappings of other domains' grants. */
    GrantMaps maps();

    /** Its memory, or null for a domain without guest memory (dom0). */
    GuestMemory memory();

    boolean alive();
}
