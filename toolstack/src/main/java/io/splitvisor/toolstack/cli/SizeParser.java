package io.splitvisor.toolstack.cli;

import picocli.CommandLine;

import java.util.Locale;

/** Parses memory sizes such as 64M, 512K, 1G or 1048576 (bytes). */
final class SizeParser implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (v.endsWith("IB")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("B")) {
            v = v.substring(0, v.length() - 1);
        }
        if (v.endsWith("K")) {
            unit = 1L << 10;
        } else if (v.endsWith("M")) {
            unit = 1L << 20;
        } else if (v.endsWith("G")) {
            unit = 1L << 30;
        }
        if (unit != 1) {
            v = v.substring(0, v.length() - 1);
        }
        try {
            long n = Long.parseLong(v);
            if (n <= 0 || n > Long.MAX_VALUE / unit) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a positive size");
            }
            return n * unit;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size (examples: 64M, 512K, 1G)");
        }
    }
}
