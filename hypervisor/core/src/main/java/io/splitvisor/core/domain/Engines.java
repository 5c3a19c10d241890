package io.splitvisor.core.domain;

import io.splitvisor.engine.Engine;
import io.splitvisor.kvm.KvmEngine;
import io.splitvisor.x86.exec.X86Engine;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engines this build offers: the interpreter everywhere, KVM where {@code /dev/kvm} is usable. {@code auto}
 * takes KVM when it can be opened and says in one line which engine it chose and why; {@code kvm} without a usable
 * {@code /dev/kvm} fails with one line naming the reason and the errno. KVM is opened once, on first use; when the
 * KVM module's native part (JNA) cannot be loaded, KVM counts as unavailable and the interpreter still works.
 * <p>
 * The KVM guest's CPUID is the interpreter's model; {@code -Dsplitvisor.kvm.cpuid=host} passes the host's
 * features through instead (plus the hypervisor bit and the Splitvisor leaves).
 */
public final class Engines implements EngineProvider {
    private static final Logger LOG = LoggerFactory.getLogger(Engines.class);

    private final Engine interpreter = new X86Engine();
    private final Supplier<Engine> kvmOpener;
    private final Consumer<String> notice;
    private Engine kvm;
    private String kvmUnavailable;
    private boolean announced;

    /** The engines, with the choice of {@code auto} logged. */
    public Engines() {
        this(LOG::info);
    }

    /** The engines; {@code notice} receives the one line saying what {@code auto} chose. */
    public Engines(Consumer<String> notice) {
        this(Engines::openKvm, notice);
    }

    /** For tests: {@code kvmOpener} opens KVM or throws with a one-line reason. */
    Engines(Supplier<Engine> kvmOpener, Consumer<String> notice) {
        this.kvmOpener = kvmOpener;
        this.notice = notice;
    }

    static Engine openKvm() {
        String cpuid = System.getProperty("splitvisor.kvm.cpuid", "model");
        KvmEngine.CpuidSource source = switch (cpuid) {
            case "model" -> KvmEngine.CpuidSource.MODEL;
            case "host" -> KvmEngine.CpuidSource.HOST;
            default -> throw new IllegalArgumentException("splitvisor.kvm.cpuid must be model or host, not '" + cpuid + "'");
        };
        return KvmEngine.open(source);
    }

    @Override
    public synchronized Engine engine(String kind) {
        return switch (kind) {
            case "interp" -> interpreter;
            case "kvm" -> {
                Engine e = kvm();
                if (e == null) {
                    throw new IllegalArgumentException("--engine kvm: " + kvmUnavailable);
                }
                yield e;
            }
            case "auto" -> {
                Engine e = kvm();
                if (!announced) {
                    announced = true;
                    notice.accept(e != null ? "engine auto: using kvm (/dev/kvm is usable)"
                            : "engine auto: using interp (KVM is unavailable: " + kvmUnavailable + ")");
                }
                yield e != null ? e : interpreter;
            }
            default -> throw new IllegalArgumentException("unknown engine '" + kind + "' (expected interp, kvm or auto)");
        };
    }

    /** The KVM engine, opened on first use, or null with the reason in {@link #kvmUnavailable}. */
    private Engine kvm() {
        if (kvm == null && kvmUnavailable == null) {
            try {
                kvm = kvmOpener.get();
            } catch (RuntimeException | LinkageError e) {
                String m = e.getMessage();
                kvmUnavailable = m == null || m.isBlank() ? e.toString() : m.lines().findFirst().orElse(m);
            }
        }
        return kvm;
    }
}
