#!/usr/bin/env bash
# run-in-kvm-vm.sh: runs one command inside a throw-away QEMU virtual machine that has a working
# /dev/kvm, even on a host without one. QEMU emulates the CPU in software (TCG) including AMD SVM,
# so the Debian kernel inside loads kvm_amd and its /dev/kvm runs real KVM (nested under TCG).
# The host's whole filesystem is visible inside, read-only, at the same paths (writes land in a
# discarded in-memory overlay); --rw DIR shares a host directory writable.
#
# Usage: tools/kvm-vm/run-in-kvm-vm.sh [options] [--] COMMAND [ARG...]
#        tools/kvm-vm/run-in-kvm-vm.sh --prepare     only install, download and build the VM parts
#        tools/kvm-vm/run-in-kvm-vm.sh --smoke       boot and run kvm-smoke (KVM_RUN to OUT and HLT)
# Options:
#   --timeout SEC      stop the VM after SEC seconds, whatever it does (default 600)
#   --memory MIB       VM memory (default 2048)
#   --cpus N           VM CPUs (default 1; QEMU 7.2 multi-threaded TCG was seen unstable with a JVM)
#   --rw DIR           share host DIR writable at the same path (repeatable)
#   --env NAME         pass host variable NAME into the VM (repeatable); always passed: PATH HOME
#                      LANG JAVA_HOME MAVEN_OPTS USER
#   --status-file F    write the outcome to F as one line: "exit N", "timeout SEC",
#                      "failure REASON" or "unavailable REASON" (exit codes can be ambiguous)
#   --verbose          print the steps with timings, and the VM's kernel console at the end
# Exit status:
#   the command's own exit status when it ran to the end inside the VM;
#   124  the time limit was reached (the VM was killed);
#   125  infrastructure failure: the VM did not boot, has no usable /dev/kvm, or reported nothing;
#   126  the VM cannot be used here (qemu or a package missing and not installable, no kernel
#        cached and none downloadable): one line on stderr says why; tests treat this as a skip.
# Ctrl-C, SIGTERM, SIGHUP and the death of the calling process all stop the VM at once.
# Environment: SPLITVISOR_KVM_VM_CACHE (default ~/.cache/splitvisor-kvm-vm): downloaded kernel,
#   built initramfs, kvm-smoke; SPLITVISOR_KVM_VM_KERNEL_PACKAGE: a Debian kernel package other
#   than what linux-image-amd64 depends on.
# Installs when missing (as root, with apt-get): qemu-system-x86 busybox-static cpio kmod xz-utils;
# downloads (not installs) the kernel package linux-image-amd64 depends on.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${SPLITVISOR_KVM_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/splitvisor-kvm-vm}
TIMEOUT=600
MEMORY=2048
CPUS=1
VERBOSE=0
MODE=run
STATUS_FILE=
RW_DIRS=()
ENV_NAMES=(PATH HOME LANG JAVA_HOME MAVEN_OPTS USER)
PACKAGES=(qemu-system-x86 busybox-static cpio kmod xz-utils)
# Modules the VM loads, in dependency order after resolution: KVM, virtio over PCI, 9p over virtio,
# the overlay for a writable root, virtio-serial for the command's output.
MODULES=(kvm_amd virtio_pci 9pnet_virtio 9p overlay virtio_console)
CALLER=$PPID
START=$(date +%s%N)

say() { echo "run-in-kvm-vm: $*" >&2; }
step() { [ "$VERBOSE" = 1 ] && say "$(( ($(date +%s%N) - START) / 1000000 )) ms: $*"; return 0; }
# outcome CODE LINE: records the outcome, says it unless it is the command's own exit, and exits.
outcome() {
  [ -n "$STATUS_FILE" ] && printf '%s\n' "$2" >"$STATUS_FILE"
  case "$2" in exit\ *) ;; *) say "$2" ;; esac
  exit "$1"
}
unavailable() { outcome 126 "unavailable: $*"; }
failure() { outcome 125 "failure: $*"; }

usage() { sed -n '2,/^set -u/{/^set -u/d;s/^# \{0,1\}//;p}' "$0"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --timeout) TIMEOUT=${2:?--timeout needs seconds}; shift 2 ;;
    --memory) MEMORY=${2:?--memory needs MiB}; shift 2 ;;
    --cpus) CPUS=${2:?--cpus needs a count}; shift 2 ;;
    --rw) [ -d "${2:-}" ] || { say "--rw needs an existing directory, got '${2:-}'"; exit 2; }
          RW_DIRS+=("$(cd "$2" && pwd -P)"); shift 2 ;;
    --env) ENV_NAMES+=("${2:?--env needs a variable name}"); shift 2 ;;
    --status-file) STATUS_FILE=${2:?--status-file needs a path}; shift 2 ;;
    --verbose|-v) VERBOSE=1; shift ;;
    --prepare) MODE=prepare; shift ;;
    --smoke) MODE=smoke; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    -*) say "unknown option $1 (see --help)"; exit 2 ;;
    *) break ;;
  esac
done
for n in "$TIMEOUT" "$MEMORY" "$CPUS"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { say "not a positive number: $n"; exit 2; }
done
if [ "$MODE" = run ] && [ $# -eq 0 ]; then say "no command given (see --help)"; exit 2; fi

# ------------------------------------------------------------------------------------------------
# Preparation: packages, kernel, initramfs. Cached; a lock keeps parallel builds from racing.

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || echo "$p"
  done
}

install_packages() {
  local need
  need=$(missing_packages | tr '\n' ' ')
  [ -z "$need" ] && return 0
  command -v apt-get >/dev/null || unavailable "packages missing ($need) and no apt-get"
  [ "$(id -u)" = 0 ] || unavailable "packages missing ($need) and not root to install them"
  say "installing $need(log: $CACHE/apt.log)"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $need; } \
    >"$CACHE/apt.log" 2>&1 || unavailable "apt-get could not install $need(see $CACHE/apt.log)"
}

kernel_package_name() {
  local pkg=${SPLITVISOR_KVM_VM_KERNEL_PACKAGE:-}
  [ -n "$pkg" ] && { echo "$pkg"; return; }
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -1)
  if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
    apt-get update >>"$CACHE/apt.log" 2>&1
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -1)
  fi
  echo "$pkg"
}

fetch_kernel() {
  DEB=$(ls "$CACHE"/linux-image-[0-9]*.deb 2>/dev/null | head -1)
  if [ -z "$DEB" ]; then
    local pkg; pkg=$(kernel_package_name)
    [ -n "$pkg" ] || unavailable "no kernel cached and apt cannot resolve linux-image-amd64"
    say "downloading kernel package $pkg"
    (cd "$CACHE" && apt-get download "$pkg") >>"$CACHE/apt.log" 2>&1 \
      || unavailable "no kernel cached and 'apt-get download $pkg' failed (see $CACHE/apt.log)"
    DEB=$(ls "$CACHE"/"$pkg"_*.deb 2>/dev/null | head -1)
    [ -n "$DEB" ] || failure "apt-get download $pkg left no .deb in $CACHE"
  fi
  KVER=$(dpkg-deb -f "$DEB" Package) || failure "unreadable kernel package $DEB"
  KVER=${KVER#linux-image-}
  KERNEL=$CACHE/vmlinuz-$KVER
  if [ ! -s "$KERNEL" ]; then
    dpkg-deb --fsys-tarfile "$DEB" | tar -xOf - "./boot/vmlinuz-$KVER" >"$KERNEL.part" \
      && mv "$KERNEL.part" "$KERNEL" || failure "no /boot/vmlinuz-$KVER in $DEB"
  fi
  # The bzImage's payload is an xz stream holding the ELF kernel; QEMU boots that ELF directly
  # (PVH entry), which skips the decompression, slow under emulation.
  local elf=$CACHE/vmlinux-$KVER
  if [ ! -s "$elf" ] && [ ! -e "$elf.none" ]; then
    local at; at=$(LC_ALL=C grep -abo -m1 $'\xfd7zXZ\x00' "$KERNEL" | head -1 | cut -d: -f1)
    # (xz stops after the stream, so tail may die of a closed pipe: not a failure)
    if [ -n "$at" ] && xz -dc --single-stream < <(tail -c +"$((at + 1))" "$KERNEL") >"$elf.part" 2>/dev/null \
        && [ "$(head -c 4 "$elf.part" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
      mv "$elf.part" "$elf"
    else
      rm -f "$elf.part"; : >"$elf.none"
    fi
  fi
  [ -s "$elf" ] && KERNEL=$elf
}

build_initramfs() {
  local key
  key=$( { echo "$KVER ${MODULES[*]}"; cat "$HERE/vm-init.sh"; } | sha256sum | cut -c1-12)
  INITRD=$CACHE/initramfs-$KVER-$key.cpio.gz
  [ -s "$INITRD" ] && return 0
  local tree=$CACHE/kernel-tree root=$CACHE/initramfs-root m
  rm -rf "$tree" "$root"
  mkdir -p "$root"/{bin,dev,proc,sys,host,overlay,newroot,run,lib/modules}
  dpkg-deb -x "$DEB" "$tree" && depmod -b "$tree" "$KVER" || failure "cannot unpack the modules of $DEB"
  local files
  files=$(for m in "${MODULES[@]}"; do modprobe -d "$tree" -S "$KVER" --show-depends "$m" || echo "MISSING $m"; done)
  case "$files" in *MISSING*) failure "kernel $KVER lacks a module: $(echo "$files" | grep MISSING)";; esac
  # "insmod /path/mod.ko.xz" lines, dependencies first; builtin ones are left out
  : >"$root/modules.order"
  for m in $(echo "$files" | awk '$1 == "insmod" && !seen[$2]++ {print $2}'); do
    local name; name=$(basename "$m"); name=${name%.xz}; name=${name%.zst}
    case "$m" in *.xz) xz -dc "$m" ;; *.zst) zstd -qdc "$m" ;; *) cat "$m" ;; esac >"$root/lib/modules/$name" \
      || failure "cannot unpack module $m"
    echo "$name" >>"$root/modules.order"
  done
  cp "$(command -v busybox)" "$root/bin/busybox" || failure "no busybox"
  for m in sh mount umount mkdir mknod insmod cat sleep poweroff sync chroot ls grep; do ln -s busybox "$root/bin/$m"; done
  install -m 755 "$HERE/vm-init.sh" "$root/init"
  (cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) >"$INITRD.part" \
    && mv "$INITRD.part" "$INITRD" || failure "cannot pack the initramfs"
  rm -rf "$tree" "$root"
  find "$CACHE" -maxdepth 1 -name 'initramfs-*.cpio.gz' ! -name "$(basename "$INITRD")" -delete
}

build_smoke() {
  SMOKE=$CACHE/kvm-smoke
  if [ ! -x "$SMOKE" ] || [ "$HERE/kvm-smoke.c" -nt "$SMOKE" ]; then
    command -v gcc >/dev/null || failure "kvm-smoke needs gcc"
    gcc -static -O2 -Wall -o "$SMOKE.part" "$HERE/kvm-smoke.c" && mv "$SMOKE.part" "$SMOKE" \
      || failure "kvm-smoke.c did not compile"
  fi
}

prepare() {
  mkdir -p "$CACHE" || unavailable "cannot create the cache directory $CACHE"
  exec 8>"$CACHE/.lock" && flock 8
  install_packages
  command -v qemu-system-x86_64 >/dev/null || unavailable "no qemu-system-x86_64"
  fetch_kernel
  build_initramfs
  [ "$MODE" = smoke ] && build_smoke
  flock -u 8
  step "prepared (kernel $KERNEL, initramfs $INITRD)"
}

prepare
[ "$MODE" = prepare ] && outcome 0 "exit 0"
[ "$MODE" = smoke ] && set -- "$SMOKE"

# ------------------------------------------------------------------------------------------------
# One run: a private directory shared with the VM holds the command and receives its exit status.

RUN=$(mktemp -d "${TMPDIR:-/tmp}/kvm-vm.XXXXXX") || failure "mktemp failed"
QEMU_PID=
WATCHDOG_PID=
READERS=()

stop_vm() {
  [ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null
  [ -n "$QEMU_PID" ] && kill -KILL "$QEMU_PID" 2>/dev/null
  # open each output fifo once for writing so a reader still waiting for QEMU gets end of file
  local f; for f in "$RUN/stdout" "$RUN/stderr"; do [ -p "$f" ] && { exec 7<>"$f"; exec 7>&-; }; done
  local p; for p in "${READERS[@]}"; do wait "$p" 2>/dev/null; done
  READERS=()
}
cleanup() { stop_vm; rm -rf "$RUN"; }
trap cleanup EXIT
trap 'stop_vm; outcome 130 "failure: interrupted"' INT
trap 'stop_vm; outcome 143 "failure: terminated"' TERM HUP

{
  echo "# written by run-in-kvm-vm.sh"
  for n in "${ENV_NAMES[@]}"; do [ -n "${!n+x}" ] && printf 'export %s=%q\n' "$n" "${!n}"; done
  printf 'cd %q || exit 125\n' "$PWD"
  printf 'exec'; printf ' %q' "$@"; printf '\n'
} >"$RUN/command"
SHARES=(-virtfs "local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap"
        -virtfs "local,path=$RUN,mount_tag=run,security_model=none")
: >"$RUN/shares"
for i in "${!RW_DIRS[@]}"; do
  SHARES+=(-virtfs "local,path=${RW_DIRS[$i]//,/,,},mount_tag=rw$i,security_model=none,multidevs=remap")
  printf 'rw%d %s\n' "$i" "${RW_DIRS[$i]}" >>"$RUN/shares"
done
mkfifo "$RUN/stdout" "$RUN/stderr" || failure "mkfifo failed"
cat "$RUN/stdout" & READERS+=($!)
cat "$RUN/stderr" >&2 & READERS+=($!)

step "booting ($CPUS CPU, $MEMORY MiB, limit ${TIMEOUT}s)"
# --pdeathsig: QEMU dies with this script even if the script is killed with SIGKILL.
setpriv --pdeathsig KILL -- qemu-system-x86_64 \
  -accel tcg -cpu max,+svm -smp "$CPUS" -m "$MEMORY" \
  -nodefaults -no-user-config -display none -monitor none -no-reboot \
  -kernel "$KERNEL" -initrd "$INITRD" \
  -append "console=ttyS0 quiet panic=-1 mitigations=off" \
  -serial "file:$RUN/console.log" \
  -device virtio-serial-pci,id=serial \
  -chardev "file,id=out,path=$RUN/stdout" -device virtserialport,bus=serial.0,chardev=out,name=command.stdout \
  -chardev "file,id=err,path=$RUN/stderr" -device virtserialport,bus=serial.0,chardev=err,name=command.stderr \
  "${SHARES[@]}" </dev/null >"$RUN/qemu.log" 2>&1 &
QEMU_PID=$!
# The watchdog ends the VM at the deadline or when the caller is gone (it cannot trap SIGKILL).
(
  deadline=$(( $(date +%s) + TIMEOUT ))
  while kill -0 "$QEMU_PID" 2>/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ]; then : >"$RUN/timed-out"; kill -KILL "$QEMU_PID"; exit 0; fi
    if ! kill -0 "$CALLER" 2>/dev/null; then kill -KILL "$QEMU_PID"; exit 0; fi
    sleep 0.5
  done
) &
WATCHDOG_PID=$!
wait "$QEMU_PID"
QEMU_STATUS=$?
QEMU_PID=
stop_vm
step "VM stopped (QEMU status $QEMU_STATUS)"

if [ "$VERBOSE" = 1 ]; then
  { echo "----- VM console -----"; tr -d '\r' <"$RUN/console.log"; echo "----- end of VM console -----"; } >&2
fi
[ -e "$RUN/timed-out" ] && outcome 124 "timeout ${TIMEOUT}s"
STATUS=$(cat "$RUN/status" 2>/dev/null)
case "$STATUS" in
  exit\ [0-9]*) outcome "${STATUS#exit }" "$STATUS" ;;
  failure\ *) outcome 125 "$STATUS" ;;
esac
tr -d '\r' <"$RUN/console.log" | tail -20 | sed 's/^/run-in-kvm-vm: console: /' >&2
sed 's/^/run-in-kvm-vm: qemu: /' "$RUN/qemu.log" >&2
failure "the VM ended without reporting an exit status (QEMU status $QEMU_STATUS)"
