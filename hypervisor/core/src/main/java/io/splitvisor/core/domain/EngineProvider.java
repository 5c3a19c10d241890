package io.splitvisor.core.domain;

import io.splitvisor.engine.Engine;

/** Chooses the CPU engine for a domain from its configuration ("interp", "kvm", "auto"). */
@FunctionalInterface
public interface EngineProvider {
    /** The engine for {@code kind}; IllegalArgumentException with a one-line reason when unavailable. */
    Engine engine(String kind);
}
