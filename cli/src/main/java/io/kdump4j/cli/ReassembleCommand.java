package io.kdump4j.cli;

import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.ChannelByteSource;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.io.MappedByteSource;
import io.kdump4j.format.kdump.FlattenedByteSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kdump4j reassemble IN OUT}: a flattened stream back to a normal dump file ({@code makedumpfile -R}). */
@Command(name = "reassemble", mixinStandardHelpOptions = true,
        description = "Rewrite makedumpfile's flattened stream (-F) as a normal dump file, like makedumpfile -R.")
final class ReassembleCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "flattened dump (from makedumpfile -F or QEMU kdump-*)")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "the normal dump file to write")
    Path out;

    @Override
    public Integer call() throws IOException {
        try (ByteSource src = Files.isRegularFile(in) ? MappedByteSource.open(in) : new ChannelByteSource(in)) {
            byte[] head = src.read(0, (int) Math.min(16, src.size()), "the flattened signature");
            if (!FlattenedByteSource.matches(head)) {
                throw new DumpFormatException(in.toString(), 0, "expected makedumpfile's flattened signature "
                        + "(\"makedumpfile\"); this file is not a flattened stream");
            }
            FlattenedByteSource.reassemble(src, out);
        }
        return ExitCodes.OK;
    }
}
