#!/usr/bin/env bash
# check_sdk_install.sh SDK DIR: builds a small guest in DIR from the installed SDK alone, with the
# Makefile that docs/GUEST-SDK.md shows, and checks the result like the examples.
set -eu
sdk=$(cd "$1" && pwd)
dir=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$dir"
mkdir -p "$dir"
cat >"$dir/main.c" <<'C'
#include <splitvisor/sdk.h>

int main(void) {
    sv_printf("Hello from domain %u\n", sv_domid());
    return 0;
}
C
cat >"$dir/Makefile" <<MK
SV_SDK := $sdk
include \$(SV_SDK)/guest.mk

myguest.elf: main.o
	\$(SV_LINK) -o \$@ \$^ \$(SV_LIBS)

%.o: %.c
	\$(SV_CC) \$(SV_CFLAGS) -c \$< -o \$@
MK
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$dir" myguest.elf
bash "$here/check_elf.sh" "$dir/myguest.elf" >/dev/null
echo "check_sdk_install: a guest builds from target/sdk alone with guest.mk"
