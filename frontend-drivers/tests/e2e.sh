#!/usr/bin/env bash
# e2e.sh: the C frontends end to end -- the example guests on the interpreter against dom0's
# backends, through the toolstack's `run` -- with the outcome of each checked.
#
#   mvn -pl toolstack,frontend-drivers -am package -DskipTests   # once
#   frontend-drivers/tests/e2e.sh [-v] [NAME...]                 # all tests, or those named
#
# SPLITVISOR (environment) overrides the command (default: java -jar toolstack/target/...).
# Prints one line per test and a summary; exits 1 when any failed. -v prints each guest's output.
set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
guests=$root/frontend-drivers/target/guests
run=${SPLITVISOR:-"java -Dsplitvisor.root=$root -jar $root/toolstack/target/splitvisor-toolstack.jar"}
verbose=0
if [ "${1:-}" = -v ]; then verbose=1; shift; fi
only=("$@")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# check NAME "run arguments" expected-substring...
check() {
  local name=$1 args=$2
  shift 2
  if [ ${#only[@]} -gt 0 ] && [[ ! " ${only[*]} " == *" $name "* ]]; then return; fi
  local out
  out=$(cd "$tmp" && eval "timeout 300 $run run $args" 2>&1)
  local rc=$?
  local missing=""
  for want in "$@"; do
    grep -qF -- "$want" <<<"$out" || missing="$missing [$want]"
  done
  if [ $rc -ne 0 ] || [ -n "$missing" ]; then
    echo "FAIL $name (exit $rc)${missing:+, missing:$missing}"
    failed=$((failed + 1))
    [ $verbose = 1 ] || echo "$out" | tail -15 | sed 's/^/    /'
  else
    echo "ok   $name"
    passed=$((passed + 1))
  fi
  [ $verbose = 1 ] && echo "$out" | sed 's/^/    /'
  return 0
}

truncate -s 8M "$tmp/disk.img"
printf 'Hello from a disk image.\nSecond line.\n' > "$tmp/hello.txt"
cp "$tmp/hello.txt" "$tmp/raw.txt" && truncate -s %512 "$tmp/raw.txt"
python3 "$root/frontend-drivers/tools/mkcatfs.py" "$tmp/cat.img" "$tmp/hello.txt" "$root/frontend-drivers/tools/mkcatfs.py" >/dev/null

check blkdemo "$guests/blkdemo.elf --disk disk.img --cmdline 'size=2048 passes=2'" \
  "pass 1: wrote 2048 KiB" "verified" "blkdemo: ok"
check blkdemo-ro "$guests/blkdemo.elf --disk disk.img:ro --cmdline size=64" \
  "write refused (EROFS)" "blkdemo: ok"
check catfile "$guests/catfile.elf --disk cat.img:ro --cmdline file=hello.txt" \
  "Second line." "catfile: hello.txt: 38 bytes, crc32 0x74501429"
check catfile-list "$guests/catfile.elf --disk cat.img:ro --cmdline list" "catfile: 2 files"
check catfile-raw "$guests/catfile.elf --disk raw.txt:ro" "catfile: (raw disk): 38 bytes, crc32 0x74501429"
check rngdemo "$guests/rngdemo.elf --rng" "rngdemo: ok"
check netping "$guests/netping.elf $guests/netping.elf --nic --cmdline 'role=ping count=200 burst=1000' --cmdline role=pong" \
  "netping: ping: 200 round trips" "burst of 1000 requests (window 32): 1000 replies" "netping: pong: answered 1200 requests"
check fut-blk "$guests/frontend-under-test.elf --disk disk.img --cmdline 'ops=blk-open,blk-write:100:1:7,blk-read:100:1:7,blk-write:0:300:3,blk-read:0:300:3,blk-flush,blk-discard:0:8,blk-read:16383:2,blk-close'" \
  "blk-write:100:1:7 -> OK crc32=0x95cd28a3" "blk-read:100:1:7 -> OK crc32=0x95cd28a3 verify=ok" \
  "blk-read:0:300:3 -> OK" "verify=ok" "blk-discard:0:8 -> OK" "blk-read:16383:2 -> ERR ERANGE" "fut: done ok=8 err=1"
check fut-blk-ro "$guests/frontend-under-test.elf --disk disk.img:ro --cmdline 'ops=blk-open,blk-write:0:1:1,blk-discard:0:8,blk-read:0:8'" \
  "readonly=1" "blk-write:0:1:1 -> ERR EROFS" "blk-discard:0:8 -> ERR EROFS" "blk-read:0:8 -> OK"
check fut-console "$guests/frontend-under-test.elf --console chan0 --cmdline 'ops=cons-open,cons-write:hello%20console%0A,cons-close,cons-open,cons-write:again%0A,cons-close'" \
  "cons-open -> OK name=console/1 channel=chan0" "/chan0] hello console" "/chan0] again" "fut: done ok=6 err=0"
check fut-rng "$guests/frontend-under-test.elf --rng --cmdline 'ops=rng-open,rng-read:100000,rng-close'" \
  "distinct=256" "fut: done ok=3 err=0"
check fut-net "$guests/frontend-under-test.elf $guests/frontend-under-test.elf --nic --cmdline 'ops=net-open,sleep:2000,net-send:bcast:88b5:60:1,net-recv:5000' --cmdline 'ops=net-open,net-echo:1:10000'" \
  "net-echo:1:10000 -> OK echoed=1" "net-recv:5000 -> OK len=60"
check fut-nodev "$guests/frontend-under-test.elf --cmdline 'ops=blk-open,net-open,cons-open,rng-open'" \
  "blk-open -> ERR ENODEV" "net-open -> ERR ENODEV" "fut: done ok=0 err=4"
for mode in none id dup op status prod silent close initwait 4k; do
  check "badback-$mode" "$guests/badback.elf $guests/badback.elf --cmdline 'role=frontend mode=$mode' --cmdline 'role=backend mode=$mode'" \
    "[1:badback] badback: $mode: ok" "[2:badback]"
done
for mode in none txid rxslot rxprod rxlen rxcopy; do
  check "badnet-$mode" "$guests/badnet.elf $guests/badnet.elf --cmdline 'role=frontend mode=$mode' --cmdline 'role=backend mode=$mode'" \
    "[1:badnet] badnet: $mode: ok" "[2:badnet] badnet:"
done

echo "e2e: $passed passed, $failed failed"
[ $failed -eq 0 ]
