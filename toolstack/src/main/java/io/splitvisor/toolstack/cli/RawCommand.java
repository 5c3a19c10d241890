package io.splitvisor.toolstack.cli;

import io.splitvisor.x86.tools.RawRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code splitvisor raw FILE [options]}: the interpreter's raw runner (hypervisor/x86/README.md):
 * a flat binary or ELF in long mode, no hypervisor, final state as JSON.
 */
@Command(name = "raw", description = "Run a code snippet or ELF on the bare interpreter and print the final state as JSON"
        + " (options: raw --help).")
final class RawCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "ARGS", description = "the raw runner's arguments")
    private List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return RawRunner.run(args.toArray(new String[0]), System.out, System.err);
    }
}
