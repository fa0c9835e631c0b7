package io.kdump4j.analyze;

import io.kdump4j.kernel.helpers.sched.TaskInfo;
import io.kdump4j.kernel.helpers.sched.Tasks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ps}: every task with crash's columns (PID, PPID, CPU, TASK, ST, VSZ and RSS in KiB, COMM;
 * {@code >} marks a task running on its CPU, kernel threads are bracketed). ST is the /proc
 * letter (R S D T t X Z P I), not crash's two-letter code.
 */
public record PsResult(List<TaskInfo> tasks, int pageSize) implements Result {

    public static PsResult of(Session s) throws IOException {
        return new PsResult(Tasks.of(s.kernel()).list(), s.kernel().pageSize());
    }

    @Override
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("      PID    PPID  CPU       TASK        ST      VSZ      RSS  COMM\n");
        for (TaskInfo t : tasks) {
            String comm = t.kernelThread() ? "[" + t.comm() + "]" : t.comm();
            String rss = t.rssPages() < 0 ? "?" : String.valueOf(t.rssPages() * pageSize / 1024);
            sb.append(String.format("%s %7d %7d %3d  %s  %s %8d %8s  %s%n", t.onCpu() ? ">" : " ", t.pid(), t.ppid(), t.cpu(),
                    Hex.addr(t.address()), t.state(), t.vszPages() * pageSize / 1024, rss, comm));
        }
        return sb.toString();
    }

    @Override
    public Object toJson() {
        List<Object> out = new ArrayList<>();
        for (TaskInfo t : tasks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pid", t.pid());
            m.put("tgid", t.tgid());
            m.put("ppid", t.ppid());
            m.put("cpu", t.cpu());
            m.put("task", Hex.of(t.address()));
            m.put("state", String.valueOf(t.state()));
            m.put("on_cpu", t.onCpu());
            m.put("kernel_thread", t.kernelThread());
            m.put("vsz_kib", t.vszPages() * pageSize / 1024);
            m.put("rss_kib", t.rssPages() < 0 ? null : t.rssPages() * pageSize / 1024);
            m.put("comm", t.comm());
            out.add(m);
        }
        return out;
    }
}
