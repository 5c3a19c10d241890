package io.splitvisor.core.domain;

import io.splitvisor.engine.Engine;
import io.splitvisor.x86.exec.X86Engine;

/** The engines this build offers: the interpreter everywhere (KVM is not built yet). */
public final class Engines implements EngineProvider {
    private final Engine interpreter = new X86Engine();

    @Override
    public Engine engine(String kind) {
        return switch (kind) {
            case "interp", "auto" -> interpreter;
            case "kvm" -> throw new IllegalArgumentException("the KVM engine is not available in this build; use --engine interp");
            default -> throw new IllegalArgumentException("unknown engine '" + kind + "' (expected interp, kvm or auto)");
        };
    }
}
