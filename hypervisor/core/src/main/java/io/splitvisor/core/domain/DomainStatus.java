package io.splitvisor.core.domain;

import io.splitvisor.abi.proto.DomainState;

/** Where a domain is in its life. */
public enum DomainStatus {
    CREATED(DomainState.DOMAIN_STATE_CREATED),
    RUNNING(DomainState.DOMAIN_STATE_RUNNING),
    BLOCKED(DomainState.DOMAIN_STATE_BLOCKED),
    PAUSED(DomainState.DOMAIN_STATE_PAUSED),
    SHUTDOWN(DomainState.DOMAIN_STATE_SHUTDOWN),
    DYING(DomainState.DOMAIN_STATE_DYING);

    private final DomainState abi;

    DomainStatus(DomainState abi) {
        this.abi = abi;
    }

    public DomainState abi() {
        return abi;
    }

    /** True once the domain will never run again. */
    public boolean ended() {
        return this == SHUTDOWN || this == DYING;
    }
}
