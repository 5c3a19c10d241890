#!/usr/bin/env bash
# check_elf.sh ELF...: checks that each guest is what the loader accepts (docs/ABI.md section 1):
# a static ELF64 x86-64 executable, entry point and every loadable segment at or above 1 MiB,
# page-aligned segments, none both writable and executable, nothing dynamic, no undefined
# symbols, and no SSE, AVX, MMX or x87 instruction (the guest has no FP/SIMD state).
set -u
fail=0
checked=0
bad() { echo "check_elf: $1: $2" >&2; fail=1; }

for elf in "$@"; do
  name=$(basename "$elf")
  if ! hdr=$(readelf -hW "$elf" 2>&1); then bad "$name" "not an ELF file: $hdr"; continue; fi
  grep -Eq 'Class:[[:space:]]+ELF64' <<<"$hdr" || bad "$name" "not ELF64"
  grep -Eq 'Type:[[:space:]]+EXEC' <<<"$hdr" || bad "$name" "not a static executable (ET_EXEC)"
  grep -Eq 'Machine:[[:space:]]+Advanced Micro Devices X86-64' <<<"$hdr" || bad "$name" "not x86-64"
  entry=$(awk '/Entry point address/ {print $4}' <<<"$hdr")
  (( entry >= 0x100000 )) || bad "$name" "entry point $entry below 0x100000"
  start=$(nm "$elf" | awk '$3 == "_start" {print "0x"$1}')
  [[ -n "$start" ]] && (( start == entry )) || bad "$name" "entry point $entry is not _start ($start)"

  phdrs=$(readelf -lW "$elf")
  grep -Eq '^[[:space:]]+(INTERP|DYNAMIC)[[:space:]]' <<<"$phdrs" && bad "$name" "has INTERP or DYNAMIC: not static"
  loads=$(grep -E '^[[:space:]]+LOAD[[:space:]]' <<<"$phdrs")
  [[ -n "$loads" ]] || bad "$name" "no LOAD segments"
  while read -r _ off vaddr paddr filesz memsz rest; do
    flags=${rest% *}
    align=${rest##* }
    (( vaddr >= 0x100000 )) || bad "$name" "segment at $vaddr below 0x100000"
    (( (vaddr & 0xfff) == 0 )) || bad "$name" "segment at $vaddr not page-aligned"
    (( align >= 0x1000 )) || bad "$name" "segment at $vaddr aligned to $align"
    [[ "$flags" == *W*E* ]] && bad "$name" "segment at $vaddr is writable and executable ($flags)"
  done <<<"$loads"

  undefined=$(nm -u "$elf")
  [[ -z "$undefined" ]] || bad "$name" "undefined symbols: $(tr '\n' ' ' <<<"$undefined")"

  fp=$(objdump -d --no-show-raw-insn "$elf" | awk -F'\t' 'NF >= 2 && $1 ~ /^ *[0-9a-f]+:$/ {print $1 "\t" $2}' |
       grep -E $'\t'"(.*%[xyz]?mm[0-9]|f[a-z0-9]+([[:space:]]|$)|(ld|st)mxcsr|fx(save|rstor)|xsave|xrstor|emms)" | head -5)
  [[ -z "$fp" ]] || bad "$name" "uses SSE/MMX/x87 instructions, e.g.: $(tr '\n' ';' <<<"$fp")"
  checked=$((checked + 1))
done

if (( fail )); then exit 1; fi
echo "check_elf: $checked guest ELF files are static ELF64 x86-64 at 1 MiB without SSE or x87"
