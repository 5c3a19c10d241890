package io.splitvisor.toolstack.bench;

/** A benchmark run that could not give a result: the reason in one line. */
public final class BenchException extends Exception {
    public BenchException(String message) {
        super(message);
    }
}
