package io.splitvisor.toolstack.bench;

/** A path or engine the benchmark could not measure, and why (one line). */
public record Skip(IoPath path, String engine, String reason) {
}
