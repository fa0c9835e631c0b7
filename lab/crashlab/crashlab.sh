#!/usr/bin/env bash
# The crash lab: real panics of a Debian kernel other than sysrq, saved by QEMU.
# Boots the kernel from the kdump4j kernel cache in QEMU (software emulation, 512 MiB, 2 CPUs)
# with an initramfs whose /init (crashlab.c) makes it panic in the chosen way; on "Kernel panic"
# on the serial console, saves guest memory as an ELF core through QMP dump-guest-memory (the
# vmcoreinfo device adds the VMCOREINFO note) and quits.
# Usage: lab/crashlab/crashlab.sh MODE [OUT_DIR]   (default ~/.cache/kdump4j/crashlab/MODE)
#   MODE: oom | hung (no module needed) | null | bug | warn | gpf | softlockup (the lab's test
#   module, module/crashlab_mod.c, built against linux-headers-6.1.0-56-amd64)
# Needs: qemu-system-x86_64, gcc (static glibc), cpio, mkfs.ext4, xz, python3, the kernel
# package unpacked in ~/.cache/kdump4j/kernels/RELEASE (vmlinuz and root/lib/modules), and for
# the module modes the package linux-headers-RELEASE. RELEASE is $KRELEASE, default
# 6.1.0-56-amd64; $KERNEL_DIR overrides the unpacked kernel's directory.
set -euo pipefail
mode=${1:?usage: crashlab.sh oom|hung|null|bug|warn|gpf|softlockup [OUT_DIR]}
here=$(cd "$(dirname "$0")" && pwd)
cache=${KDUMP4J_CACHE:-$HOME/.cache/kdump4j}
release=${KRELEASE:-6.1.0-56-amd64}
kernel=${KERNEL_DIR:-$cache/kernels/$release}
mods=$kernel/root/lib/modules/$release/kernel
out=${2:-$cache/crashlab/$([ "$release" = 6.1.0-56-amd64 ] || echo "$release/")$mode}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$out" "$work/root/proc" "$work/root/dev"

gcc -static -O1 -o "$work/root/init" "$here/crashlab.c"
for m in drivers/firmware/qemu_fw_cfg drivers/block/loop lib/crc16 lib/crc/crc16 fs/mbcache fs/jbd2/jbd2 crypto/crc32c_generic fs/ext4/ext4; do
  # Debian compresses modules since 6.x; /init loads them uncompressed. crc16 moved to lib/crc/ in 7.x.
  if [ -f "$mods/$m.ko" ]; then cp "$mods/$m.ko" "$work/root/"
  elif [ -f "$mods/$m.ko.xz" ]; then xz -dc "$mods/$m.ko.xz" >"$work/root/$(basename "$m").ko"
  fi
done
case $mode in
  null|bug|warn|gpf|softlockup)
    mkdir -p "$work/mod"
    cp "$here/module/crashlab_mod.c" "$here/module/Kbuild" "$work/mod/"
    make -s -C "/usr/src/linux-headers-$release" M="$work/mod" modules >&2
    cp "$work/mod/crashlab_mod.ko" "$work/root/" ;;
  oom|hung) ;;
  *) echo "crashlab: unknown mode $mode" >&2; exit 2 ;;
esac
if [ "$mode" = hung ]; then
  truncate -s 8M "$work/root/ext4.img"
  mkfs.ext4 -q -F "$work/root/ext4.img"
fi
(cd "$work/root" && find . | cpio -o -H newc --quiet) >"$work/initrd.cpio"

rm -f "$out/vmcore.elf"
qemu-system-x86_64 -m 512 -smp 2 -kernel "$kernel/vmlinuz" -initrd "$work/initrd.cpio" \
  -append "console=ttyS0 panic=0 crashlab=$mode " -display none -serial file:"$out/console.log" \
  -no-reboot -device vmcoreinfo -qmp unix:"$work/qmp.sock",server,nowait &
qemu=$!
for _ in $(seq 1 900); do
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
grep -q "Kernel panic" "$out/console.log" || { echo "crashlab: no panic; see $out/console.log" >&2; exit 1; }
echo "$out/vmcore.elf"
