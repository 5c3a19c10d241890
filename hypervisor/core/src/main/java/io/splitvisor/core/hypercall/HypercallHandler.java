package io.splitvisor.core.hypercall;

import com.google.protobuf.Message;
import io.splitvisor.core.domain.Domain;

/** Performs one hypercall operation for {@code caller}; refuses with a StatusException. */
@FunctionalInterface
public interface HypercallHandler<Q extends Message> {
    Message handle(Domain caller, Q request);
}
