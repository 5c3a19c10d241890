#!/usr/bin/env bash
# check_elf_selftest.sh DIR: check_elf.sh must reject what the loader would refuse: an ELF linked
# below 1 MiB that uses SSE registers.
set -u
dir=$1
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
cat >"$dir/bad.c" <<'C'
volatile double d = 1.5;
void _start(void) { d = d * 2.5; for (;;) { } }
C
gcc -O2 -ffreestanding -nostdlib -static -no-pie -fno-pie -Wl,-Ttext=0x1000 -Wl,--build-id=none \
    -o "$dir/bad.elf" "$dir/bad.c" || exit 1
out=$(bash "$here/check_elf.sh" "$dir/bad.elf" 2>&1) && { echo "check_elf_selftest: a bad ELF passed" >&2; exit 1; }
for want in "below 0x100000" "SSE/MMX/x87"; do
  grep -q "$want" <<<"$out" || { echo "check_elf_selftest: no \"$want\" complaint in: $out" >&2; exit 1; }
done
echo "check_elf_selftest: check_elf.sh rejects a low, SSE-using ELF"
