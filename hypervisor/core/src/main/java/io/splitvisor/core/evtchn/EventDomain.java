package io.splitvisor.core.evtchn;

/** What the event-channel service needs of a domain. */
public interface EventDomain {
    int domid();

    PortTable ports();

    EventSink sink();

    /** False once the domain is dying: its ports no longer receive events. */
    boolean alive();

    boolean privileged();
}
