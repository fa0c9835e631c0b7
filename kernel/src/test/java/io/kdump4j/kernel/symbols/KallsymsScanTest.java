package io.kdump4j.kernel.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.kernel.FixtureDumps;
import io.kdump4j.kernel.KernelDump;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shape scan for kernels before 6.0, run on the fixture kernels as if their VMCOREINFO named
 * no tables: it must find exactly the tables VMCOREINFO names (6.1 has the pre-6.4 order, the
 * offsets first; 6.12 the new one, the offsets after the token index) and decode the same symbols.
 * The bullseye 5.10 dump of the kernel matrix (KernelMatrixE2eTest) is the real pre-6.0 case.
 */
class KallsymsScanTest {

    static Stream<FixtureDumps.Case> kernels() throws IOException {
        return FixtureDumps.all().stream().filter(FixtureDumps.Case::elf);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void scanFindsTheTablesVmcoreinfoNames(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            KallsymsScan.Result r = KallsymsScan.find(k);
            assertTrue(r.symbols().isPresent(), r.reason());
            Kallsyms.Tables named = Kallsyms.Tables.fromVmcoreinfo(k);
            Kallsyms.Tables found = r.tables();
            assertEquals(List.of(named.numSyms(), named.names(), named.tokenTable(), named.tokenIndex(), named.offsets()),
                    List.of(found.numSyms(), found.names(), found.tokenTable(), found.tokenIndex(), found.offsets()));
            assertEquals(named.scheme(), found.scheme());
            List<Symbol> read = Kallsyms.read(k).symbols();
            List<Symbol> scanned = SymbolTable.of(r.symbols().get()).symbols();
            assertEquals(read.size(), scanned.size());
            for (int i = 0; i < read.size(); i += 997) {
                assertEquals(read.get(i).name(), scanned.get(i).name());
                assertEquals(read.get(i).address(), scanned.get(i).address(), read.get(i).name());
            }
        }
    }
}
