package io.kdump4j.analyze;

import io.kdump4j.kernel.helpers.printk.KernelLog;
import io.kdump4j.kernel.helpers.printk.LogRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code log}: the kernel log, as text byte-identical to {@code kdump4j dmesg} (makedumpfile's). */
public record LogResult(List<LogRecord> records) implements Result {

    public static LogResult of(Session s) throws IOException {
        return new LogResult(KernelLog.read(s.kernel()));
    }

    /** The makedumpfile text as bytes (the log may hold bytes that are not UTF-8). */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            KernelLog.writeMakedumpfileText(records, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public String toText() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    @Override
    public Object toJson() {
        List<Object> out = new ArrayList<>();
        for (LogRecord r : records) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", r.sequence());
            m.put("timestamp_ns", r.timestampNanos());
            m.put("level", r.level());
            m.put("facility", r.facility());
            r.callerId().ifPresent(c -> m.put("caller", (c & 0x80000000) != 0 ? "C" + (c & 0x7fffffff) : "T" + c));
            m.put("text", r.message());
            out.add(m);
        }
        return out;
    }
}
