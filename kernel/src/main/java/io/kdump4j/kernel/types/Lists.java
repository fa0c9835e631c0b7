package io.kdump4j.kernel.types;

import io.kdump4j.format.io.Checked;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.kernel.KernelMemory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;
import java.util.List;

/**
 * The kernel's intrusive containers: {@code struct list_head} ({@code next}, {@code prev}),
 * {@code struct hlist_head}/{@code hlist_node} ({@code first}; {@code next}, {@code pprev}) and
 * {@code struct rb_root}/{@code rb_node} ({@code __rb_parent_color}, {@code rb_right},
 * {@code rb_left}). Walks are bounded ({@link #MAX_NODES}) and detect a link that leads back
 * into the walk, so a corrupted list ends with a clear error instead of looping. Memory is
 * bounded in bytes: the walk keeps no visited set (a {@code HashSet<Long>} of a 4-million-node
 * list took ~400 MiB) but finds a cycle by Brent's algorithm (a tortoise moved to the walker at
 * each power of two: a cycle is seen within twice its start plus its length, O(1) memory), and
 * the result is one {@code long[]} (8 bytes a node) that may grow only within
 * {@link Checked#budget()}.
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
        Addresses out = new Addresses(head);
        Brent cycle = new Brent(head);
        long node = m.pointer(head);
        while (node != head) {
            if (node == 0) {
                throw broken(head, "a NULL next pointer after " + out.size() + " nodes");
            }
            if (cycle.seen(node) || out.size() >= MAX_NODES) {
                throw broken(head, "a cycle that does not return to the head after " + out.size() + " nodes");
            }
            out.add(node);
            node = m.pointer(node);
        }
        return out;
    }

    /** {@link #listHead} with each node converted to the address of its containing struct. */
    public static List<Long> entries(KernelMemory m, long head, long memberOffset) throws IOException {
        Addresses nodes = (Addresses) listHead(m, head);
        for (int i = 0; i < nodes.n; i++) {
            nodes.a[i] -= memberOffset;
        }
        return nodes;
    }

    /** The {@code hlist_node} addresses of the hlist headed at {@code head} ({@code head->first}). */
    public static List<Long> hlist(KernelMemory m, long head) throws IOException {
        Addresses out = new Addresses(head);
        Brent cycle = new Brent(head);
        long node = m.pointer(head);
        while (node != 0) {
            if (cycle.seen(node) || out.size() >= MAX_NODES) {
                throw broken(head, "an hlist cycle after " + out.size() + " nodes");
            }
            out.add(node);
            node = m.pointer(node);
        }
        return out;
    }

    /** The {@code rb_node} addresses of the tree at {@code root} in key order (in-order walk). */
    public static List<Long> rbtree(KernelMemory m, long root) throws IOException {
        Addresses out = new Addresses(root);
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

    /**
     * Brent's cycle detection over the addresses a walk visits: {@link #seen} is true once the
     * walk has come back to an address it visited (the tortoise) — within twice the start of the
     * cycle plus its length of steps.
     */
    private static final class Brent {
        private long tortoise;
        private long power = 1;
        private long steps;

        Brent(long start) {
            this.tortoise = start;
        }

        boolean seen(long node) {
            if (node == tortoise) {
                return true;
            }
            if (++steps == power) {
                tortoise = node;
                power <<= 1;
                steps = 0;
            }
            return false;
        }
    }

    /** Node addresses in one growing {@code long[]}: 8 bytes a node, grown only within the heap budget. */
    private static final class Addresses extends AbstractList<Long> implements RandomAccess {
        private final long head;
        private long[] a = new long[16];
        private int n;

        Addresses(long head) {
            this.head = head;
        }

        void add(long v) throws DumpFormatException {
            if (n == a.length) {
                long bigger = Math.min((long) a.length * 2, MAX_NODES + 1L);
                if (!Checked.fitsBudget(bigger * 8)) {
                    throw broken(head, "more than " + n + " nodes, more than the heap allows (" + Checked.tooLarge() + ")");
                }
                a = Arrays.copyOf(a, (int) bigger);
            }
            a[n++] = v;
        }

        @Override
        public Long get(int i) {
            java.util.Objects.checkIndex(i, n);
            return a[i];
        }

        @Override
        public int size() {
            return n;
        }
    }

    private static DumpFormatException broken(long head, String what) {
        return new DumpFormatException("kernel memory", head, "the list at 0x" + Long.toHexString(head) + " has " + what);
    }
}
