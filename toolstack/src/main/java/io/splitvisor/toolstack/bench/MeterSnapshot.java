package io.splitvisor.toolstack.bench;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Measurement;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.metrics.CoreMeters;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The counters the report divides by bytes, summed over the domains of one run, at one instant:
 * exits (every reason), hypercalls (every operation), guest instructions retired (interpreter),
 * the CPU time of the guests' vCPU threads and of the whole host process (dom0's backends, the
 * switch, the JIT and GC included).
 */
public record MeterSnapshot(long exits, long hypercalls, long instructions, long vcpuCpuNs, long processCpuNs,
                            Map<Integer, Long> vcpuByDomain) {

    public MeterSnapshot {
        vcpuByDomain = Map.copyOf(vcpuByDomain);
    }

    /** A difference, as {@link #minus} makes it. */
    public MeterSnapshot(long exits, long hypercalls, long instructions, long vcpuCpuNs, long processCpuNs) {
        this(exits, hypercalls, instructions, vcpuCpuNs, processCpuNs, Map.of());
    }

    public static MeterSnapshot take(MeterRegistry registry, Collection<Domain> domains) {
        Set<String> ids = domains.stream().map(d -> Integer.toString(d.domid())).collect(Collectors.toSet());
        long exits = 0;
        long hypercalls = 0;
        long instructions = 0;
        for (Meter m : registry.getMeters()) {
            String domain = m.getId().getTag("domain");
            if (domain == null || !ids.contains(domain)) {
                continue;
            }
            switch (m.getId().getName()) {
                case CoreMeters.EXITS -> exits += count(m);
                case CoreMeters.HYPERCALLS -> hypercalls += count(m);
                case CoreMeters.GUEST_INSTRUCTIONS -> instructions += count(m);
                default -> { }
            }
        }
        Map<Integer, Long> vcpu = new HashMap<>();
        for (Domain d : domains) {
            long ns = d.guest() == null ? 0 : d.guest().cpuTimeNanos();
            if (ns > 0) {
                vcpu.put(d.domid(), ns);
            }
        }
        return new MeterSnapshot(exits, hypercalls, instructions, vcpu.values().stream().mapToLong(Long::longValue).sum(),
                processCpuNanos(), vcpu);
    }

    /**
     * What happened between {@code earlier} and this snapshot. vCPU time counts the domains whose
     * thread was alive at both instants (a thread's CPU time is gone once it has ended).
     */
    public MeterSnapshot minus(MeterSnapshot earlier) {
        long vcpu = 0;
        for (Map.Entry<Integer, Long> e : vcpuByDomain.entrySet()) {
            Long before = earlier.vcpuByDomain.get(e.getKey());
            if (before != null) {
                vcpu += e.getValue() - before;
            }
        }
        return new MeterSnapshot(exits - earlier.exits, hypercalls - earlier.hypercalls, instructions - earlier.instructions,
                vcpu, processCpuNs - earlier.processCpuNs);
    }

    private static long count(Meter m) {
        double total = 0;
        for (Measurement ms : m.measure()) {
            total += ms.getValue();
        }
        return Math.round(total);
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }
}
