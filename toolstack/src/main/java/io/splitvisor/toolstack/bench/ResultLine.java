package io.splitvisor.toolstack.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * The benchmark guest's result line: {@code iobench: result case=NAME io=PATH bytes=B ops=N ns=T
 * p50_ns=X p99_ns=Y errors=E [key=value...]} (see the guest's main.c).
 */
record ResultLine(String row, Map<String, String> fields) {
    static final String PREFIX = "iobench: result ";

    static ResultLine parse(String line) throws BenchException {
        if (!line.startsWith(PREFIX)) {
            throw new BenchException("not a result line: " + line);
        }
        Map<String, String> fields = new HashMap<>();
        for (String word : line.substring(PREFIX.length()).trim().split(" +")) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new BenchException("a result word without '=': " + word);
            }
            fields.put(word.substring(0, eq), word.substring(eq + 1));
        }
        String row = fields.get("case");
        if (row == null) {
            throw new BenchException("a result line without case=: " + line);
        }
        return new ResultLine(row, fields);
    }

    long number(String key) throws BenchException {
        String v = fields.get(key);
        if (v == null) {
            throw new BenchException(row + ": the result line has no " + key + "=");
        }
        try {
            return Long.parseUnsignedLong(v);
        } catch (NumberFormatException e) {
            throw new BenchException(row + ": " + key + "=" + v + " is not a number");
        }
    }
}
