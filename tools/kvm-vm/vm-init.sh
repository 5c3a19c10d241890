#!/bin/sh
# PID 1 of the run-in-kvm-vm.sh VM (busybox sh, inside the initramfs). Loads KVM and the sharing
# modules, builds the root (the host's root over 9p, read-only, under a tmpfs overlay), runs the
# command in it with stdout/stderr on two virtio-serial ports, and writes "exit N" or
# "failure REASON" to the run directory's status file before powering off.
export PATH=/bin
log() { echo "vm-init: $*"; }
end() {
  echo "$1" >/run/status
  log "$1"
  sync
  umount /run 2>/dev/null
  poweroff -f
}
uptime() { cut -d' ' -f1 /proc/uptime; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /modules.order); do insmod "/lib/modules/$m" || log "insmod $m failed"; done
P9=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o $P9 run /run || { log "cannot mount the run directory"; poweroff -f; }
log "modules loaded at $(uptime) s"

[ -c /dev/kvm ] || { [ -e /sys/class/misc/kvm/dev ] && mknod /dev/kvm c 10 232; }
if [ ! -c /dev/kvm ]; then
  end "failure: no /dev/kvm in the VM (cpu flags: $(grep -o -w -E 'svm|npt' /proc/cpuinfo | sort -u | tr '\n' ' '))"
fi

mount -t 9p -o $P9,ro,cache=loose host /host || end "failure: cannot mount the host root"
mount -t tmpfs -o mode=755 overlay /overlay && mkdir -p /overlay/upper /overlay/work
mount -t overlay root -o lowerdir=/host,upperdir=/overlay/upper,workdir=/overlay/work /newroot \
  || end "failure: cannot build the overlay root"
mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev
mkdir -p /newroot/dev/pts /newroot/dev/shm /newroot/run/kvm-vm
mount -t devpts devpts /newroot/dev/pts
mount -t tmpfs shm /newroot/dev/shm
# /tmp stays the host's, through the overlay (its files readable, writes kept in memory): a checkout or build
# under /tmp (CI clones there) must be visible to the command
while read -r tag dir; do
  mkdir -p "/newroot$dir" && mount -t 9p -o $P9 "$tag" "/newroot$dir" || end "failure: cannot share $dir"
done </run/shares
mount --bind /run /newroot/run/kvm-vm

OUT=; ERR=
for port in /sys/class/virtio-ports/*; do
  case "$(cat "$port/name")" in
    command.stdout) OUT=/dev/${port##*/} ;;
    command.stderr) ERR=/dev/${port##*/} ;;
  esac
done
[ -c "$OUT" ] && [ -c "$ERR" ] || end "failure: the output ports are missing"

log "command starts at $(uptime) s"
chroot /newroot /bin/bash /run/kvm-vm/command </dev/null >"$OUT" 2>"$ERR"
status=$?
log "command ended at $(uptime) s"
umount /newroot/run/kvm-vm
end "exit $status"
