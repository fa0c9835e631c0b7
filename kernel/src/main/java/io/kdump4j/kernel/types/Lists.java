package io.kdump4j.kernel.types;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelMemory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The kernel's intrusive containers: {@code struct list_head} ({@code next}, {@code prev}),
 * {@code struct hlist_head}/{@code hlist_node} ({@code first}; {@code next}, {@code pprev}) and
 * {@code struct rb_root}/{@code rb_node} ({@code __rb_parent_color}, {@code rb_right},
 * {@code rb_left}). Walks are bounded ({@link #MAX_NODES}) and detect a link that leads back
 * into the walk, so a corrupted list ends with a clear error instead of looping.
 */
public final class Lists {
    /** More nodes than any list in a kernel this tool reads (a machine with a million tasks). */
    public static final int MAX_NODES = 4_000_000;

    private Lists() {
    }

    /**
     * The addresses of the {@code list_head} nodes of the list headed at {@code head}, head
     * excluded, in {@code next} order. Subtract the member offset for {@code list_for_each_entry}.
     */
    public static List<Long> listHead(KernelMemory m, long head) throws IOException {
        List<Long> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        long node = m.pointer(head);
        while (node != head) {
            if (node == 0) {
                throw broken(head, "a NULL next pointer after " + out.size() + " nodes");
            }
            if (!seen.add(node) || out.size() >= MAX_NODES) {
                throw broken(head, "a cycle that does not return to the head after " + out.size() + " nodes");
            }
            out.add(node);
            node = m.pointer(node);
        }
        return out;
    }

    /** {@link #listHead} with each node converted to the address of its containing struct. */
    public static List<Long> entries(KernelMemory m, long head, long memberOffset) throws IOException {
        List<Long> nodes = listHead(m, head);
        List<Long> out = new ArrayList<>(nodes.size());
        for (long n : nodes) {
            out.add(n - memberOffset);
        }
        return out;
    }

    /** The {@code hlist_node} addresses of the hlist headed at {@code head} ({@code head->first}). */
    public static List<Long> hlist(KernelMemory m, long head) throws IOException {
        List<Long> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        long node = m.pointer(head);
        while (node != 0) {
            if (!seen.add(node) || out.size() >= MAX_NODES) {
                throw broken(head, "an hlist cycle after " + out.size() + " nodes");
            }
            out.add(node);
            node = m.pointer(node);
        }
        return out;
    }

    /** The {@code rb_node} addresses of the tree at {@code root} in key order (in-order walk). */
    public static List<Long> rbtree(KernelMemory m, long root) throws IOException {
        List<Long> out = new ArrayList<>();
        ArrayDeque<Long> stack = new ArrayDeque<>();
        long node = m.pointer(root);
        while (node != 0 || !stack.isEmpty()) {
            while (node != 0) {
                if (stack.size() > 128) {
                    throw broken(root, "an rbtree deeper than 128 levels (a cycle)");
                }
                stack.push(node);
                node = m.pointer(node + 16);
            }
            node = stack.pop();
            out.add(node);
            if (out.size() > MAX_NODES) {
                throw broken(root, "an rbtree of more than " + MAX_NODES + " nodes");
            }
            node = m.pointer(node + 8);
        }
        return out;
    }

    private static DumpFormatException broken(long head, String what) {
        return new DumpFormatException("kernel memory", head, "the list at 0x" + Long.toHexString(head) + " has " + what);
    }
}
