/*
 * kvm-smoke: proves /dev/kvm runs guest code. A real-mode guest at 0x1000 writes "KVM" to port
 * 0xE9 with REP OUTSB (string I/O, data at kvm_run + io.data_offset), then "\n" with OUT, then
 * HLTs. Exit 0 when the bytes arrive in order and the vCPU exits with KVM_EXIT_HLT.
 * Built statically by run-in-kvm-vm.sh --smoke and by the system tests (gcc -static).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define GUEST_ADDR 0x1000
#define EXPECTED "KVM\n"

static int fail(const char *what) {
    printf("kvm-smoke: %s failed: %s (errno %d)\n", what, strerror(errno), errno);
    return 1;
}

int main(void) {
    static const uint8_t code[] = {
        0xba, 0xe9, 0x00,             /* mov dx, 0xe9 */
        0xbe, 0x13, 0x10,             /* mov si, 0x1013 (the text below) */
        0xb9, 0x03, 0x00,             /* mov cx, 3 */
        0xfc,                         /* cld */
        0xf3, 0x6e,                   /* rep outsb */
        0xb0, '\n',                   /* mov al, '\n' */
        0xee,                         /* out dx, al */
        0xf4,                         /* hlt */
        0xeb, 0xfe,                   /* jmp $ (never reached) */
        0x90,                         /* pad to 0x13 */
        'K', 'V', 'M',
    };
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) return fail("open /dev/kvm");
    int api = ioctl(kvm, KVM_GET_API_VERSION, 0);
    if (api != 12) { printf("kvm-smoke: KVM API version %d, expected 12\n", api); return 1; }
    int vm = ioctl(kvm, KVM_CREATE_VM, 0UL);
    if (vm < 0) return fail("KVM_CREATE_VM");
    uint8_t *ram = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (ram == MAP_FAILED) return fail("mmap guest memory");
    memcpy(ram, code, sizeof code);
    struct kvm_userspace_memory_region slot = {
        .slot = 0, .guest_phys_addr = GUEST_ADDR, .memory_size = 0x1000, .userspace_addr = (uintptr_t)ram,
    };
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot) < 0) return fail("KVM_SET_USER_MEMORY_REGION");
    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0UL);
    if (vcpu < 0) return fail("KVM_CREATE_VCPU");
    int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (run_size < (int)sizeof(struct kvm_run)) return fail("KVM_GET_VCPU_MMAP_SIZE");
    struct kvm_run *run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED) return fail("mmap kvm_run");

    struct kvm_sregs sregs;
    if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0) return fail("KVM_GET_SREGS");
    sregs.cs.base = 0;
    sregs.cs.selector = 0;
    sregs.ds.base = 0;
    sregs.ds.selector = 0;
    if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0) return fail("KVM_SET_SREGS");
    struct kvm_regs regs = { .rip = GUEST_ADDR, .rflags = 2 };
    if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0) return fail("KVM_SET_REGS");

    char seen[16] = "";
    size_t got = 0;
    for (int exits = 0; exits < 32; exits++) {
        if (ioctl(vcpu, KVM_RUN, 0) < 0) return fail("KVM_RUN");
        switch (run->exit_reason) {
        case KVM_EXIT_IO:
            if (run->io.direction != KVM_EXIT_IO_OUT || run->io.port != 0xe9 || run->io.size != 1) {
                printf("kvm-smoke: unexpected I/O exit: port 0x%x size %d direction %d\n", run->io.port,
                       run->io.size, run->io.direction);
                return 1;
            }
            printf("kvm-smoke: KVM_EXIT_IO out port 0xe9, count %u\n", run->io.count);
            for (uint32_t i = 0; i < run->io.count && got + 1 < sizeof seen; i++) {
                seen[got++] = ((char *)run)[run->io.data_offset + i];
            }
            seen[got] = 0;
            break;
        case KVM_EXIT_HLT:
            if (strcmp(seen, EXPECTED) != 0) {
                printf("kvm-smoke: HLT reached but the guest wrote \"%s\"\n", seen);
                return 1;
            }
            printf("kvm-smoke: ok: KVM API 12, guest wrote \"KVM\\n\" through string and plain OUT, then HLT\n");
            return 0;
        default:
            printf("kvm-smoke: unexpected exit reason %u\n", run->exit_reason);
            return 1;
        }
    }
    printf("kvm-smoke: no HLT after 32 exits\n");
    return 1;
}
