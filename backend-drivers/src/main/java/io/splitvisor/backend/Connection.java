package io.splitvisor.backend;

import io.splitvisor.backend.ring.BackRing;
import io.splitvisor.core.StatusException;
import io.splitvisor.core.domain.Hypervisor;
import io.splitvisor.core.grant.GrantedPage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * A device's transport while connected: the frontend's pages mapped as dom0 (a {@link BackRing}
 * over each ring page), and dom0's end of the event channel.
 */
public final class Connection {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    private final DeviceContext context;
    private final Hypervisor hypervisor;
    private final List<GrantedPage> pages;
    private final List<BackRing> rings;
    private final int localPort;

    /** Made by the framework once the pages are mapped and the port bound; it owns them from then on. */
    public Connection(DeviceContext context, Hypervisor hypervisor, List<RingSpec> specs, List<GrantedPage> pages, int localPort) {
        this.context = context;
        this.hypervisor = hypervisor;
        this.pages = List.copyOf(pages);
        this.localPort = localPort;
        List<BackRing> list = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            list.add(specs.get(i).layout() != null ? new BackRing(pages.get(i), specs.get(i).layout()) : null);
        }
        this.rings = java.util.Collections.unmodifiableList(list);
    }

    public DeviceContext context() {
        return context;
    }

    /** The mapped page of {@link BackendDriver#rings()} entry {@code i}. */
    public GrantedPage page(int i) {
        return pages.get(i);
    }

    /** The back ring over entry {@code i} (which must have a layout). */
    public BackRing ring(int i) {
        BackRing r = rings.get(i);
        if (r == null) {
            throw new IllegalArgumentException("page " + i + " of " + context.name() + " is not a ring");
        }
        return r;
    }

    /** dom0's port of the device's event channel. */
    public int localPort() {
        return localPort;
    }

    /** Sends an event to the frontend; a frontend that closed its end is ignored. */
    public void notifyFrontend() {
        try {
            hypervisor.events().send(hypervisor.dom0(), localPort);
            context.metrics().notified();
        } catch (StatusException e) {
            LOG.debug("{}: notify failed: {}", context.name(), e.getMessage());
        }
    }

    /** Unmaps the pages and closes dom0's port; safe to call twice. */
    public void close() {
        for (GrantedPage p : pages) {
            try {
                context.grants().unmap(p);
            } catch (RuntimeException e) {   // the frontend's memory may be gone with its domain
                LOG.debug("{}: unmap: {}", context.name(), e.getMessage());
            }
        }
        try {
            hypervisor.dom0Events().setHandler(localPort, null);
            hypervisor.events().close(hypervisor.dom0(), localPort);
        } catch (RuntimeException e) {
            LOG.debug("{}: closing port {}: {}", context.name(), localPort, e.getMessage());
        }
    }
}
