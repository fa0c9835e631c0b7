package io.kdump4j.analyze;

import io.kdump4j.kernel.helpers.module.ModuleInfo;
import io.kdump4j.kernel.helpers.module.Modules;
import io.kdump4j.kernel.helpers.panic.Taint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code mod}: the loaded modules (crash's MODULE, NAME, BASE, SIZE columns, plus taint). */
public record ModResult(List<ModuleInfo> modules) implements Result {

    public static ModResult of(Session s) throws IOException {
        return new ModResult(Modules.of(s.kernel()).list());
    }

    @Override
    public String toText() {
        StringBuilder sb = new StringBuilder("     MODULE       NAME                         BASE         SIZE  TAINT\n");
        for (ModuleInfo m : modules) {
            sb.append(String.format("%s  %-20s %s %8d  %s%n", Hex.addr(m.address()), m.name(), Hex.addr(m.base()), m.size(),
                    Taint.letters(m.taints())));
        }
        return sb.toString();
    }

    @Override
    public Object toJson() {
        List<Object> out = new ArrayList<>();
        for (ModuleInfo m : modules) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("name", m.name());
            j.put("module", Hex.of(m.address()));
            j.put("base", Hex.of(m.base()));
            j.put("size", m.size());
            j.put("text_size", m.textSize());
            j.put("end", Hex.of(m.base() + m.size()));
            j.put("taint", Taint.letters(m.taints()));
            j.put("state", m.state());
            j.put("symbols", m.symbols());
            out.add(j);
        }
        return out;
    }
}
