package io.splitvisor.abi;

/**
 * The fixed numbers of the guest ABI: ports, the hypercall frame limits, CPUID leaves, special
 * domain ids and the memory map a guest can rely on.
 *
 * <p>Every {@code public static final} field here is also emitted into the generated C header
 * {@code splitvisor/abi_consts.h} as {@code SV_<NAME>}, so this class is the only place these
 * values are written.
 */
public final class AbiConstants {
    private AbiConstants() {
    }

    /** ABI version: incompatible changes bump the major, compatible additions the minor. */
    public static final int ABI_MAJOR = 1;
    public static final int ABI_MINOR = 0;
    public static final int ABI_VERSION = (ABI_MAJOR << 16) | ABI_MINOR;

    public static final int PAGE_SIZE = 4096;
    public static final int PAGE_SHIFT = 12;

    // ---- Ports (PLATFORM.md section 5). Port I/O, not VMCALL, so KVM hands them to user space.

    /** A 32-bit OUT of a hypercall frame's guest-physical address performs the hypercall. */
    public static final int HYPERCALL_PORT = 0x500;
    /** A 32-bit OUT of an event-channel port number sends on that port, touching no memory. */
    public static final int DOORBELL_PORT = 0x504;
    /** A byte written here goes to the domain's log (as Bochs and QEMU's debugcon). */
    public static final int DEBUG_CONSOLE_PORT = 0xE9;
    /** A write here ends the domain with the written value as its exit code (QEMU's isa-debug-exit). */
    public static final int DEBUG_EXIT_PORT = 0xF4;

    // ---- Hypercall frame limits (the layout is HypercallFrameLayout).

    /** Largest request or response payload; the frame is at most header + this many bytes. */
    public static final int HYPERCALL_MAX_PAYLOAD = 65536 - 32;
    /** Frames must be 8-byte aligned. */
    public static final int HYPERCALL_FRAME_ALIGN = 8;

    // ---- CPUID (the hypervisor range, as Xen and KVM use it).

    /** EAX: highest hypervisor leaf; EBX, ECX, EDX: the signature "SplitvisorPV". */
    public static final int CPUID_LEAF_SIGNATURE = 0x40000000;
    /** EAX: ABI_VERSION; EBX: feature bits (AbiFeature); ECX: vCPU id; EDX: reserved. */
    public static final int CPUID_LEAF_VERSION = 0x40000001;
    /** EAX: HYPERCALL_PORT; EBX: DOORBELL_PORT; ECX, EDX: start-info address, low and high. */
    public static final int CPUID_LEAF_PLATFORM = 0x40000002;
    public static final int CPUID_LEAF_MAX = CPUID_LEAF_PLATFORM;
    public static final String CPUID_SIGNATURE = "SplitvisorPV";
    public static final int CPUID_SIGNATURE_EBX = signatureWord(0);
    public static final int CPUID_SIGNATURE_ECX = signatureWord(1);
    public static final int CPUID_SIGNATURE_EDX = signatureWord(2);
    /** CPUID.1:ECX bit 31, set by every hypervisor. */
    public static final int CPUID_1_ECX_HYPERVISOR = 1 << 31;

    // ---- Domain ids (Xen's special values).

    public static final int DOMID_DOM0 = 0;
    public static final int DOMID_SELF = 0x7FF0;
    public static final int DOMID_INVALID = 0x7FF4;
    /** Guest domain ids are below this. */
    public static final int DOMID_FIRST_RESERVED = 0x7FF0;

    // ---- Event channels (Xen's 2-level ABI on a 64-bit guest).

    public static final int EVTCHN_PORTS = 4096;
    /** Port 0 is never allocated, so 0 can mean "none". */
    public static final int EVTCHN_PORT_INVALID = 0;

    // ---- Grants.

    public static final int GRANT_ENTRY_SIZE = 8;
    public static final int GRANT_ENTRIES_PER_PAGE = PAGE_SIZE / GRANT_ENTRY_SIZE;
    /** Refs below this are reserved (Xen: 0 console, 1 store). */
    public static final int GRANT_RESERVED_ENTRIES = 8;
    public static final int GRANT_REF_CONSOLE = 0;
    public static final int GRANT_REF_STORE = 1;
    /** GrantEntry.flags, Xen's GTF_* values. */
    public static final int GTF_INVALID = 0;
    public static final int GTF_PERMIT_ACCESS = 1;
    public static final int GTF_TYPE_MASK = 3;
    public static final int GTF_READONLY = 1 << 2;
    public static final int GTF_READING = 1 << 3;
    public static final int GTF_WRITING = 1 << 4;

    // ---- Store.

    /** Largest store message on the ring (length prefix excluded), as Xen's XENSTORE_PAYLOAD_MAX. */
    public static final int STORE_MAX_MESSAGE = 4096;
    public static final int STORE_LENGTH_PREFIX = 4;
    /** Xen's connection handshake states, written under each device's "state" key. */
    public static final int XENBUS_STATE_UNKNOWN = 0;
    public static final int XENBUS_STATE_INITIALISING = 1;
    public static final int XENBUS_STATE_INIT_WAIT = 2;
    public static final int XENBUS_STATE_INITIALISED = 3;
    public static final int XENBUS_STATE_CONNECTED = 4;
    public static final int XENBUS_STATE_CLOSING = 5;
    public static final int XENBUS_STATE_CLOSED = 6;

    // ---- Memory map every guest can rely on.

    /** Guests are linked here; page 0 is never mapped so NULL dereferences fault. */
    public static final long GUEST_LINK_ADDRESS = 0x100000L;
    /** Magic at the start of the start-info page: "SVSI" little-endian. */
    public static final int START_INFO_MAGIC = 0x49535653;

    private static int signatureWord(int index) {
        byte[] bytes = CPUID_SIGNATURE.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int base = index * 4;
        return (bytes[base] & 0xFF) | (bytes[base + 1] & 0xFF) << 8
                | (bytes[base + 2] & 0xFF) << 16 | (bytes[base + 3] & 0xFF) << 24;
    }
}
