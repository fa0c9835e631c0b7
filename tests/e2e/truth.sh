# The first kernel's own word about itself, recorded just before the crash for the kernel matrix
# (cli KernelMatrixE2eTest) to check the saved dump against. The QEMU harnesses put this file in
# front of the first-boot hook; the hook calls record_truth instead of unmounting the test disk
# at /mnt before the crash.
# /mnt/truth/: modules (/proc/modules), meminfo (/proc/meminfo), stat (every /proc/PID/stat, one a
# line), comm (PID and /proc/PID/comm), kallsyms (/proc/kallsyms without module symbols: the
# System.map a user can save on a kernel whose VMCOREINFO names no kallsyms tables).
# The task loop uses shell builtins only (read, echo), so no process of the recording itself
# appears in it.
record_truth() {
    mkdir -p /mnt/truth
    grep -v '\[' /proc/kallsyms > /mnt/truth/kallsyms
    cat /proc/modules > /mnt/truth/modules
    for d in /proc/[0-9]*; do
        read -r s < "$d/stat" && echo "$s"
    done > /mnt/truth/stat
    for d in /proc/[0-9]*; do
        read -r c < "$d/comm" && echo "${d#/proc/} $c"
    done > /mnt/truth/comm
    cat /proc/meminfo > /mnt/truth/meminfo
    say "truth-recorded tasks=$(wc -l < /mnt/truth/stat) modules=$(wc -l < /mnt/truth/modules)"
    # Remounted read-only, not unmounted: an unmount would end the disk's jbd2 and
    # ext4-rsv-conversion threads and drop its page cache after the recording.
    sync
    mount -o remount,ro /mnt
}
