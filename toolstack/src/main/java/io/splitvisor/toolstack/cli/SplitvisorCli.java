package io.splitvisor.toolstack.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./splitvisor}: the command line entry point. */
@Command(name = "splitvisor", mixinStandardHelpOptions = true, versionProvider = SplitvisorCli.Version.class,
        description = "A Xen-inspired paravirtualization platform on the JVM.",
        subcommands = {DemoCommand.class, RunCommand.class, RawCommand.class, BenchCommand.class, IoBenchCommand.class, CatFsCommand.class,
            AbiCommand.class, CommandLine.HelpCommand.class})
public final class SplitvisorCli implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code, for tests. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new SplitvisorCli());
        // `raw` hands every argument, options included, to the interpreter's raw runner.
        cli.getSubcommands().get("raw").setUnmatchedOptionsArePositionalParams(true);
        // A bad option or argument is one line naming the problem, then the usage hint.
        cli.setParameterExceptionHandler((e, a) -> {
            cli.getErr().println("splitvisor: " + e.getMessage());
            cli.getErr().println("Try 'splitvisor --help'.");
            return 2;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version line: the platform and its ABI. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String impl = SplitvisorCli.class.getPackage().getImplementationVersion();
            return new String[] {"splitvisor " + (impl == null ? "(development build)" : impl)
                    + ", guest ABI " + io.splitvisor.abi.AbiConstants.ABI_MAJOR + "." + io.splitvisor.abi.AbiConstants.ABI_MINOR};
        }
    }
}
