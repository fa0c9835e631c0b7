# /lib/kdump4j/capture.sh: the capture's steps, sourced by /init (busybox sh). Kept apart from
# /init so that tests run each step on the host (setup InitScriptStepsTest).
#
# Layout of a target (kdump-tools' /var/crash/<date>/):
#   $ROOT/YYYYMMDD-HHMMSS[-N]/vmcore            a complete kdump4j dump
#                             vmcore.incomplete  a dump kdump4j could not finish (marked in its header)
#                             vmcore.dmesg.txt   the dead kernel's log (written before the dump)
#                             vmcore.elf[.incomplete]  the fallback's raw copy, cut to what fits
#                             status.json        what happened (written last, by every saver)
# A dump directory is never reused; earlier ones are only removed by rotate, after a complete save.

# Seconds since boot (for the KDUMP4J event lines and status times).
k4j_uptime() { cut -d' ' -f1 /proc/uptime; }

# new_dump_dir ROOT: creates and prints a new ROOT/<YYYYMMDD-HHMMSS>[-N]. mkdir without -p
# fails on an existing name, so two captures in one second never share a directory.
new_dump_dir() {
    mkdir -p "$1" || return 1
    base="$1/$(date +%Y%m%d-%H%M%S)"
    d=$base
    n=1
    while ! mkdir "$d" 2>/dev/null; do
        [ -e "$d" ] || return 1
        n=$((n + 1))
        [ $n -gt 99 ] && return 1
        d="$base-$n"
    done
    echo "$d"
}

# dump_dirs ROOT: the dated dump directories under ROOT, oldest first.
dump_dirs() {
    for d in "$1"/[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9]*; do
        [ -d "$d" ] && echo "$d"
    done | sort
}

# free_mib DIR: MiB available to an unprivileged writer on DIR's file system.
free_mib() {
    df -k "$1" 2>/dev/null | awk 'NR > 1 && NF >= 4 { v = $(NF - 2) } END { print int(v / 1024) }'
}

# write_status DIR STATUS SAVER FILE STARTED(uptime) [NOTE]: DIR/status.json, through a
# temporary name. STATUS: complete or incomplete. Sizes in bytes, times in seconds since boot
# of the capture kernel plus the wall-clock date.
write_status() {
    bytes=0
    [ -f "$1/$4" ] && bytes=$(stat -c %s "$1/$4")
    note=$(echo "${6:-}" | tr -d '"\\')
    cat > "$1/status.json.tmp" <<JSON
{
  "status": "$2",
  "saver": "$3",
  "file": "$4",
  "dump_level": ${DUMP_LEVEL:-31},
  "codec": "${CODEC:-zlib}",
  "bytes": $bytes,
  "vmcore_bytes": ${VMCORE_BYTES:-0},
  "started_uptime": ${5:-0},
  "finished_uptime": $(k4j_uptime),
  "finished": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "kernel": "$(uname -r)",
  "note": "$note"
}
JSON
    sync
    mv "$1/status.json.tmp" "$1/status.json"
    sync
}

# rotate ROOT NEWDIR: after a complete save into NEWDIR, removes the oldest other dump
# directories while more than KEEP remain (KEEP=0: keep all) or while less than MIN_FREE MiB
# are free (MIN_FREE=0: no floor). NEWDIR itself is never removed.
rotate() {
    count=$(dump_dirs "$1" | wc -l)
    for old in $(dump_dirs "$1"); do
        [ "$old" = "$2" ] && continue
        over=no
        [ "${KEEP:-0}" -gt 0 ] && [ "$count" -gt "$KEEP" ] && over=yes
        [ "${MIN_FREE:-0}" -gt 0 ] && [ "$(free_mib "$1")" -lt "$MIN_FREE" ] && over=yes
        [ $over = no ] && break
        rm -rf "$old" && say "rotate-removed dir=$old"
        count=$((count - 1))
        sync
    done
}

# run_watched CMD...: runs CMD; kills it when its dump directory ($WATCH_DIR) has not grown
# for WATCHDOG seconds (0: never) or the whole run took SAVE_TIMEOUT seconds (0: no limit).
# Returns CMD's exit code, or 124 when the watchdog killed it.
run_watched() {
    "$@" &
    saver=$!
    (
        still=0; total=0; last=
        while [ -e "/proc/$saver" ] && ! grep -q '^State:.*Z' "/proc/$saver/status" 2>/dev/null; do
            sleep 1
            total=$((total + 1))
            now=$(du -sk "$WATCH_DIR" 2>/dev/null | cut -f1)
            if [ "$now" = "$last" ]; then still=$((still + 1)); else still=0; last=$now; fi
            if { [ "${WATCHDOG:-0}" -gt 0 ] && [ $still -ge "$WATCHDOG" ]; } ||
               { [ "${SAVE_TIMEOUT:-0}" -gt 0 ] && [ $total -ge "$SAVE_TIMEOUT" ]; }; then
                say "save-watchdog pid=$saver stalled=${still}s total=${total}s"
                : > "$WATCH_DIR/.watchdog"
                kill -9 "$saver" 2>/dev/null
                exit 0
            fi
        done
    ) &
    watcher=$!
    rc=0
    wait "$saver" || rc=$?
    kill "$watcher" 2>/dev/null
    wait "$watcher" 2>/dev/null
    if [ -e "$WATCH_DIR/.watchdog" ]; then
        rm -f "$WATCH_DIR/.watchdog"
        return 124
    fi
    return $rc
}

# fallback_copy VMCORE DIR: the raw copy of VMCORE into DIR/vmcore.elf when the saver could not
# run, cut to the space the file system has (free minus FALLBACK_MARGIN MiB): never a RAM-sized
# copy onto a full root file system. A copy cut short keeps the name vmcore.elf.incomplete.
# Prints the file name written; fails when nothing could be written.
fallback_copy() {
    size_mib=$(( (${VMCORE_BYTES:-$(stat -c %s "$1")} + 1048575) / 1048576 ))
    room=$(( $(free_mib "$2") - ${FALLBACK_MARGIN:-64} ))
    if [ "$room" -le 0 ]; then
        say "save-fallback-skipped reason=no-space free_mib=$(free_mib "$2") margin_mib=${FALLBACK_MARGIN:-64}" >&2
        return 1
    fi
    count=$size_mib
    [ "$room" -lt "$count" ] && count=$room
    dd if="$1" of="$2/vmcore.elf.incomplete" bs=1M count="$count" 2>/dev/null
    sync
    [ -s "$2/vmcore.elf.incomplete" ] || return 1
    if [ "$(stat -c %s "$2/vmcore.elf.incomplete")" -ge "${VMCORE_BYTES:-0}" ] && [ "$count" -eq "$size_mib" ]; then
        mv "$2/vmcore.elf.incomplete" "$2/vmcore.elf"
        sync
        echo vmcore.elf
    else
        echo vmcore.elf.incomplete
    fi
}

# save_into DEV PATH: mounts DEV on $MNT (/mnt), saves $VMCORE (/proc/vmcore) into a new dated
# directory under PATH there: kdump4j save under the watchdog, else the raw fallback; then
# status.json, and rotation after a complete save. Returns 0 complete, 6 incomplete (kept,
# marked), 1 nothing saved.
save_into() {
    why="no Java in this image"
    if ! mount "$1" "${MNT:-/mnt}"; then
        say "save-failed reason=mount dev=$1"
        return 1
    fi
    if ! dir=$(new_dump_dir "${MNT:-/mnt}$2"); then
        say "save-failed reason=mkdir dir=${MNT:-/mnt}$2"
        umount "${MNT:-/mnt}"
        return 1
    fi
    say "dump-dir dir=${dir#"${MNT:-/mnt}"}"
    started=$(k4j_uptime)
    if [ "$HAS_JAVA" = yes ]; then
        # kdump4j save writes the log first, then vmcore.incomplete, fsyncs and renames
        # it to vmcore when whole; exit 6: saved but incomplete (marked in its header).
        WATCH_DIR=$dir
        rc=0
        run_watched kdump4j save --dump-level "$DUMP_LEVEL" --compress "$CODEC" "${VMCORE:-/proc/vmcore}" \
            "$dir/vmcore" || rc=$?
        if [ "$rc" -eq 0 ] && [ -f "$dir/vmcore" ]; then
            say "save-done method=kdump4j bytes=$(stat -c %s "$dir/vmcore")"
            write_status "$dir" complete kdump4j vmcore "$started"
            rotate "${MNT:-/mnt}$2" "$dir"
            sync; umount "${MNT:-/mnt}"
            return 0
        elif [ "$rc" -eq 6 ] && [ -f "$dir/vmcore.incomplete" ]; then
            say "save-incomplete method=kdump4j bytes=$(stat -c %s "$dir/vmcore.incomplete")"
            write_status "$dir" incomplete kdump4j vmcore.incomplete "$started" "kdump4j save exit 6"
            sync; umount "${MNT:-/mnt}"
            return 6
        fi
        say "save-failed method=kdump4j rc=$rc"
        why="kdump4j save exit $rc$([ "$rc" -eq 124 ] && echo ', killed by the watchdog')"
        rm -f "$dir/vmcore.incomplete"
    fi
    say "save-fallback method=dd"
    if file=$(fallback_copy "${VMCORE:-/proc/vmcore}" "$dir"); then
        if [ "$file" = vmcore.elf ]; then
            say "save-done method=dd bytes=$(stat -c %s "$dir/$file")"
            write_status "$dir" complete dd "$file" "$started" "raw copy, unfiltered: $why"
            rotate "${MNT:-/mnt}$2" "$dir"
            sync; umount "${MNT:-/mnt}"
            return 0
        fi
        say "save-incomplete method=dd bytes=$(stat -c %s "$dir/$file")"
        write_status "$dir" incomplete dd "$file" "$started" "raw copy cut to the free space: $why"
        sync; umount "${MNT:-/mnt}"
        return 6
    fi
    say "save-failed reason=dd"
    write_status "$dir" incomplete none none "$started" "nothing could be written: $why"
    sync; umount "${MNT:-/mnt}"
    return 1
}

# save_to_targets: save_into TARGET (find_target sets dev); when that saved nothing and
# FAILURE_ACTION is dump_to_rootfs, save_into ROOT_TARGET's ROOT_PATH instead (kdumpctl's).
# Returns save_into's code: 0 complete, 6 incomplete, 1 nothing saved.
save_to_targets() {
    rc=1
    if find_target; then
        say "target dev=$dev"
        save_into "$dev" "$DUMP_PATH" && rc=0 || rc=$?
    else
        say "save-failed reason=no-target target=$TARGET"
    fi
    if [ $rc -eq 1 ] && [ "$FAILURE_ACTION" = dump_to_rootfs ] && [ -n "$ROOT_TARGET" ] \
            && [ "$ROOT_TARGET" != "$TARGET" ]; then
        say "dump-to-rootfs target=$ROOT_TARGET"
        if find_target "$ROOT_TARGET"; then
            save_into "$dev" "$ROOT_PATH" && rc=0 || rc=$?
        else
            say "save-failed reason=no-root-target target=$ROOT_TARGET"
        fi
    fi
    return $rc
}
