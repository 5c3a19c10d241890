package io.splitvisor.core;

import io.splitvisor.abi.proto.Status;

/**
 * A request the hypervisor refuses, with the status the guest receives. Thrown by the services
 * (event channels, grants, domains) and turned into the hypercall frame's status by the gate;
 * never allowed to escape to a vCPU thread's top level.
 */
public final class StatusException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Status status;

    public StatusException(Status status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public Status status() {
        return status;
    }

    @Override
    public String toString() {
        return status.name() + ": " + getMessage();
    }
}
