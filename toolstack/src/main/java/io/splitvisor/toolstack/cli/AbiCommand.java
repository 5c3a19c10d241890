package io.splitvisor.toolstack.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code splitvisor abi}: prints the guest ABI summary. */
@Command(name = "abi", mixinStandardHelpOptions = true,
        description = "Print the guest ABI: ports, CPUID leaves, hypercalls and shared page layouts.")
final class AbiCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        AbiSummary.print(spec.commandLine().getOut());
    }
}
