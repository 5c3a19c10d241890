package io.splitvisor.toolstack.cli;

import io.splitvisor.toolstack.images.CatFsImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code splitvisor catfs IMAGE FILE...}: an SVCATFS1 disk image for the catfile example guest. */
@Command(name = "catfs", mixinStandardHelpOptions = true,
        description = "Write an SVCATFS1 disk image holding FILEs (at most 7), for the catfile example guest.")
final class CatFsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE")
    private Path image;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE")
    private List<Path> files;

    @Override
    public Integer call() {
        try {
            CatFsImage.write(image, files);
            spec.commandLine().getOut().printf("%s: %d files, %d bytes%n", image, files.size(), Files.size(image));
            return 0;
        } catch (NoSuchFileException e) {
            spec.commandLine().getErr().println("splitvisor: no such file: " + e.getFile());
        } catch (IllegalArgumentException | IOException e) {
            spec.commandLine().getErr().println("splitvisor: " + e.getMessage());
        }
        return 2;
    }
}
