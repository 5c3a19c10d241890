package io.splitvisor.core.time;

import java.math.BigInteger;

/**
 * The TSC-to-nanoseconds scale a guest finds in its vcpu_time_info (Xen's rule): {@code ns = ((tsc shifted left by
 * shift, or right by -shift) * mul) >> 32}, with {@code mul} in [2^31, 2^32) for the most precision. The
 * interpreter's TSC runs at 1 GHz (mul 2^31, shift 1); KVM's runs at whatever rate the host gives the guest.
 *
 * @param mul   tsc_to_system_mul, an unsigned 32-bit value
 * @param shift tsc_shift, -31..31
 */
public record TscScale(long mul, int shift) {
    private static final BigInteger NS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

    /** The scale for a TSC counting {@code hz} times a second. */
    public static TscScale of(long hz) {
        if (hz < 1_000 || hz > 1_000_000_000_000L) {
            throw new IllegalArgumentException("a TSC rate of " + hz + " Hz is outside 1 kHz to 1 THz");
        }
        // the smallest shift with 1e9 / hz < 2^shift keeps mul = 1e9 * 2^(32 - shift) / hz below 2^32
        int shift = -31;
        while (NS_PER_SECOND.shiftLeft(Math.max(0, -shift)).compareTo(BigInteger.valueOf(hz).shiftLeft(Math.max(0, shift))) >= 0) {
            shift++;
        }
        BigInteger numerator = NS_PER_SECOND.shiftLeft(32 + Math.max(0, -shift));
        BigInteger denominator = BigInteger.valueOf(hz).shiftLeft(Math.max(0, shift));
        long mul = numerator.divide(denominator).longValueExact();
        return new TscScale(Math.min(mul, 0xFFFF_FFFFL), shift);
    }

    /** Nanoseconds for {@code ticks} of the TSC, computed as the guest does. */
    public long toNanos(long ticks) {
        long scaled = shift >= 0 ? ticks << shift : ticks >>> -shift;
        return BigInteger.valueOf(scaled).multiply(BigInteger.valueOf(mul)).shiftRight(32).longValue();
    }
}
