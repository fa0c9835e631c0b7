package io.kdump4j.kernel.symbols;

import io.kdump4j.format.io.DumpFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code System.map} ({@code nm -n vmlinux}: {@code ADDRESS TYPE NAME} per line) as link-time
 * addresses; {@link #read(Path, long)} adds the KASLR displacement ({@code KERNELOFFSET}) to every
 * symbol except absolute ({@code A}) ones and the per-CPU offsets at the bottom of the map.
 */
public final class SystemMap {
    private SystemMap() {
    }

    /**
     * Parses a System.map, relocating by {@code kernelOffset}. Symbols below the kernel's
     * lowest text address class (addresses under 2^47, i.e. per-CPU offsets and absolute
     * values) are not relocated, as the kernel does not relocate them either.
     */
    public static SymbolTable read(Path file, long kernelOffset) throws IOException {
        List<Symbol> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String line;
            long lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                if (f.length < 3 || f[1].length() != 1) {
                    throw new DumpFormatException(file.toString(), -1, "line " + lineNo
                            + " is not \"ADDRESS TYPE NAME\": \"" + line + "\"");
                }
                long addr;
                try {
                    addr = Long.parseUnsignedLong(f[0], 16);
                } catch (NumberFormatException e) {
                    throw new DumpFormatException(file.toString(), -1, "line " + lineNo
                            + " has a bad address \"" + f[0] + "\"");
                }
                char type = f[1].charAt(0);
                if (type != 'A' && type != 'a' && Long.compareUnsigned(addr, 1L << 47) >= 0) {
                    addr += kernelOffset;
                }
                out.add(new Symbol(f[2], addr, 0, type, null));
            }
        }
        return SymbolTable.of(out);
    }
}
