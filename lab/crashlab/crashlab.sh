#!/usr/bin/env bash
# The crash lab: real panics of a Debian kernel other than sysrq, saved by QEMU.
# Boots the kernel from the kdump4j kernel cache in QEMU (software emulation, 512 MiB, 2 CPUs)
# with an initramfs whose /init (crashlab.c) makes it panic in the chosen way; on "Kernel panic"
# on the serial console, saves guest memory as an ELF core through QMP dump-guest-memory (the
# vmcoreinfo device adds the VMCOREINFO note) and quits. The console log beside the dump is the
# first kernel's own account of the crash, the truth CrashlabTest checks the analysis against.
# Usage: lab/crashlab/crashlab.sh MODE [OUT_DIR]   (default ~/.cache/kdump4j/crashlab/RELEASE/MODE)
#   MODE: oom | hung (no module needed) | null | bug | warn | gpf | softlockup (the lab's test
#   module, module/crashlab_mod.c, built against the kernel's own headers)
# RELEASE is $KRELEASE, default the host's default kernel (~/.cache/kdump4j/kernels/current);
# $KERNEL_DIR overrides the unpacked kernel's directory (layout of scripts/fetch-kernel.sh:
# vmlinuz, modules -> root/[usr/]lib/modules/RELEASE). The module is built in the kernel's build
# root made by scripts/setup-crashlab.sh (a chroot of its suite with linux-headers-RELEASE and
# the compiler the kernel was built with), or else against an installed /usr/src/linux-headers-RELEASE.
# Needs: qemu-system-x86_64, gcc (static glibc), cpio, mkfs.ext4, xz, zstd, python3, and root for
# the chroot (scripts/setup-crashlab.sh installs all of it).
set -euo pipefail
mode=${1:?usage: crashlab.sh oom|hung|null|bug|warn|gpf|softlockup [OUT_DIR]}
here=$(cd "$(dirname "$0")" && pwd)
cache=${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}
release=${KRELEASE:-$(basename "$(readlink -f "$cache/kernels/current")")}
kernel=${KERNEL_DIR:-$cache/kernels/$release}
mods=$kernel/modules/kernel
[ -d "$mods" ] || mods=$kernel/root/lib/modules/$release/kernel
[ -f "$kernel/vmlinuz" ] && [ -d "$mods" ] || { echo "crashlab: no kernel $release in $kernel (scripts/setup-crashlab.sh)" >&2; exit 1; }
out=${2:-$cache/crashlab/$release/$mode}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$out" "$work/root/proc" "$work/root/dev"
# A failed run leaves no dump of an earlier one behind.
rm -f "$out/vmcore.elf" "$out/console.log"

gcc -static -O1 -o "$work/root/init" "$here/crashlab.c"
# The kernel's modules /init loads (the hung mode's in dependency order), found by name: their
# places move (crc16 went to lib/crc/ in 6.15) and Debian compresses them with xz or zstd.
# Modules a kernel has built in or lacks (crc32c_generic became the library's) are left out.
for m in qemu_fw_cfg loop crc16 mbcache jbd2 crc32c_generic ext4; do
  f=$(find "$mods" \( -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" \) | head -n 1)
  case $f in
    "") continue ;;
    *.xz) xz -dc "$f" >"$work/root/$m.ko" ;;
    *.zst) zstd -qdc "$f" >"$work/root/$m.ko" ;;
    *) cp "$f" "$work/root/$m.ko" ;;
  esac
  [ "$m" = qemu_fw_cfg ] || echo "$m" >>"$work/root/modules.list"
done
case $mode in
  null|bug|warn|gpf|softlockup)
    mkdir -p "$work/mod"
    cp "$here/module/crashlab_mod.c" "$here/module/Kbuild" "$work/mod/"
    chroot_dir=$cache/crashlab/root/$release
    # Built once per kernel and module source (the modes share the module).
    ko=$chroot_dir/crashlab_mod-$(cat "$work/mod/"* | sha256sum | cut -c1-16).ko
    if [ -f "$ko" ]; then
      cp "$ko" "$work/root/crashlab_mod.ko"
    elif [ -f "$chroot_dir/.complete" ]; then
      # Built inside the kernel's own suite: its kbuild binaries and compiler do not run on the host.
      b=$(mktemp -d "$chroot_dir/root/tmp/crashlab.XXXXXX")
      cp "$work/mod/"* "$b/"
      # objtool reads /proc: a private /proc, unmounted with the namespace.
      unshare --pid --fork --mount-proc="$chroot_dir/root/proc" \
        chroot "$chroot_dir/root" make -s -C "/usr/src/linux-headers-$release" M="/tmp/$(basename "$b")" modules >&2
      cp "$b/crashlab_mod.ko" "$work/root/"
      cp "$b/crashlab_mod.ko" "$ko.tmp.$$" && mv "$ko.tmp.$$" "$ko"
      rm -rf "$b"
    elif [ -d "/usr/src/linux-headers-$release" ]; then
      make -s -C "/usr/src/linux-headers-$release" M="$work/mod" modules >&2
      cp "$work/mod/crashlab_mod.ko" "$work/root/"
    else
      echo "crashlab: no build root for $release (run scripts/setup-crashlab.sh)" >&2; exit 1
    fi ;;
  oom|hung) ;;
  *) echo "crashlab: unknown mode $mode" >&2; exit 2 ;;
esac
if [ "$mode" = hung ]; then
  truncate -s 8M "$work/root/ext4.img"
  mkfs.ext4 -q -F "$work/root/ext4.img"
fi
(cd "$work/root" && find . | cpio -o -H newc --quiet) >"$work/initrd.cpio"

qemu-system-x86_64 -m 512 -smp 2 -kernel "$kernel/vmlinuz" -initrd "$work/initrd.cpio" \
  -append "console=ttyS0 panic=0 no_timer_check crashlab=$mode " -display none -serial file:"$out/console.log" \
  -no-reboot -device vmcoreinfo -qmp unix:"$work/qmp.sock",server,nowait &
qemu=$!
for _ in $(seq 1 600); do
  grep -q "Kernel panic" "$out/console.log" 2>/dev/null && break
  kill -0 "$qemu" 2>/dev/null || break
  sleep 1
done
sleep 3
python3 - "$work/qmp.sock" "$out/vmcore.elf" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile('rw')
def cmd(c):
    f.write(json.dumps(c) + "\n")
    f.flush()
    while True:
        r = json.loads(f.readline())
        if 'return' in r or 'error' in r:
            if 'error' in r:
                sys.exit("crashlab: QMP " + c["execute"] + ": " + r["error"]["desc"])
            return r
f.readline()
cmd({"execute": "qmp_capabilities"})
cmd({"execute": "dump-guest-memory", "arguments": {"paging": False, "protocol": "file:" + sys.argv[2]}})
cmd({"execute": "quit"})
PY
wait "$qemu" || true
grep -q "Kernel panic" "$out/console.log" || { rm -f "$out/vmcore.elf"; echo "crashlab: no panic in 600 s; see $out/console.log" >&2; exit 1; }
# Only a panic after /init ran is the lab's (a slow emulated boot can fail the kernel's own
# IO-APIC timer check, hence no_timer_check above).
grep -q "^crashlab: " "$out/console.log" \
  || { rm -f "$out/vmcore.elf"; echo "crashlab: the kernel panicked before /init ran; see $out/console.log" >&2; exit 1; }
echo "$out/vmcore.elf"
