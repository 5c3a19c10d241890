package io.splitvisor.toolstack.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/**
 * {@code splitvisor demo}: the main job. Until the hypervisor core runs guests it shows the guest
 * ABI those guests will speak; it will then run the example guests.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the demonstration (for now: print the guest ABI the example guests use).")
final class DemoCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Splitvisor demo: guests cannot run yet (the hypervisor core is still being built),");
        out.println("so here is the ABI they will use. Try './splitvisor abi' for this summary alone.");
        out.println();
        AbiSummary.print(out);
    }
}
