# Sourced by /init on the first (normal) boot of the arm64 QEMU test when the image has no Java
# (NO_JAVA=1 scripts/e2e-arm64.sh; see tests/e2e/README-arm64.md): it copies the facts a load is
# planned from (the same files kdump4j load reads) to the host over virtio-9p, waits for the
# host's `kdump4j load --root --emit-loader` program, runs it (one kexec_load call with kdump4j's
# segments), then crashes.
say "e2e-arm64 first-boot"
mkdir -p /host
if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 host /host; then
    say "e2e-failed reason=9p"; poweroff -f
fi
f=/host/facts
mkdir -p $f/proc/sys/kernel $f/sys/kernel $f/sys/firmware $f/sys/devices/system/cpu
cat /proc/iomem > $f/proc/iomem
cat /proc/cmdline > $f/proc/cmdline
cat /proc/sys/kernel/osrelease > $f/proc/sys/kernel/osrelease
# Only _stext (the cross-check); the full table is 50,000 lines.
grep ' _stext$' /proc/kallsyms > $f/proc/kallsyms
grep -c ' _text$' /proc/kallsyms > /host/kallsyms-text-count
cat /sys/kernel/vmcoreinfo > $f/sys/kernel/vmcoreinfo
cat /sys/kernel/kexec_crash_size > $f/sys/kernel/kexec_crash_size
cat /sys/firmware/fdt > $f/sys/firmware/fdt
cat /sys/devices/system/cpu/possible > $f/sys/devices/system/cpu/possible
for c in /sys/devices/system/cpu/cpu[0-9]*; do
    n=${c##*/}
    mkdir -p $f/sys/devices/system/cpu/$n
    cat $c/crash_notes > $f/sys/devices/system/cpu/$n/crash_notes
    cat $c/crash_notes_size > $f/sys/devices/system/cpu/$n/crash_notes_size
done
# The ELF header, program headers and notes of /proc/kcore (VMCOREINFO) are in its first 64 KiB.
dd if=/proc/kcore of=$f/proc/kcore bs=65536 count=1 2>/dev/null
grep -E 'Cma(Total|Free)' /proc/meminfo > /host/meminfo-cma
sync
touch /host/facts.done
say "facts-ready"
i=0
while [ ! -f /host/loader.ready ] && [ $i -lt 900 ]; do sleep 1; i=$((i + 1)); done
[ -f /host/loader.ready ] || { say "e2e-failed reason=no-loader"; poweroff -f; }
cp /host/loader /kexec-loader
umount /host
say "kexec-load-begin"
/kexec-loader
rc=$?
say "kexec-load-done rc=$rc crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
rm -f /kexec-loader
say "panic-trigger"
echo c > /proc/sysrq-trigger
say "e2e-failed reason=still-alive"
poweroff -f
