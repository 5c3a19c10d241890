# guest.mk: how to compile and link a Splitvisor guest against the installed SDK.
#
# Installed as target/sdk/guest.mk. In a guest's Makefile:
#
#   SV_SDK := /path/to/splitvisor/guest-sdk/target/sdk    # optional: defaults to this file's directory
#   include $(SV_SDK)/guest.mk
#   myguest.elf: main.o
#   	$(SV_LINK) -o $@ $^ $(SV_LIBS)
#   %.o: %.c
#   	$(SV_CC) $(SV_CFLAGS) -c $< -o $@
#
# The flags are the guest ABI's (docs/ABI.md section 1): freestanding, no red zone (interrupts
# arrive on the same stack), general registers only (no SSE/x87 state exists), no PIC/PIE, no
# stack protector, linked static at 1 MiB by guest.ld.

SV_SDK ?= $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

SV_CC ?= gcc

# The compile flags without include paths (the SDK's own build adds its source directories).
SV_BASE_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
                  -ffreestanding -fno-builtin -nostdinc -isystem $(shell $(SV_CC) -print-file-name=include) \
                  -mno-red-zone -mgeneral-regs-only -mcmodel=small \
                  -fno-pic -fno-pie -fno-stack-protector -fcf-protection=none -fno-stack-clash-protection \
                  -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-omit-frame-pointer \
                  -fno-tree-loop-distribute-patterns -ffunction-sections -fdata-sections

SV_CFLAGS := $(SV_BASE_CFLAGS) -I$(SV_SDK)/include

SV_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,$(SV_SDK)/lib/guest.ld -Wl,--build-id=none \
              -Wl,-z,noexecstack -Wl,-z,max-page-size=4096 -Wl,--gc-sections

# crt0.o must come first; the libraries after the guest's objects.
SV_LIBS := -Wl,--start-group $(SV_SDK)/lib/libsvguest.a $(SV_SDK)/lib/libsvabi.a -Wl,--end-group -lgcc
SV_CRT0 := $(SV_SDK)/lib/crt0.o
SV_LINK := $(SV_CC) $(SV_LDFLAGS) $(SV_CRT0)
