package io.kdump4j.cli;

import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.ChannelByteSource;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.io.MappedByteSource;
import io.kdump4j.format.kdump.FlattenedByteSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
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
            // Dumps hold all of a machine's memory: readable by the owner only. Written beside the
            // target and renamed when complete, so OUT never names a half-written file.
            Path tmp = out.resolveSibling(out.getFileName() + ".incomplete");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                FlattenedByteSource.reassemble(src, tmp);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
        }
        return ExitCodes.OK;
    }
}
