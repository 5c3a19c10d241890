package io.splitvisor.core.hypercall;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.HypercallTable;
import io.splitvisor.abi.layout.HypercallFrameLayout;
import io.splitvisor.abi.proto.Status;
import io.splitvisor.core.StatusException;
import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.metrics.CoreMeters;
import io.splitvisor.engine.GuestMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The hypercall gate (ABI.md section 4): reads a frame out of guest memory, dispatches to the
 * operation's handler, and writes the response, its length and the status back. Nothing a guest
 * puts in a frame can make this throw: every failure becomes a status.
 */
public final class HypercallGate {
    private static final Logger LOG = LoggerFactory.getLogger(HypercallGate.class);
    /** The per-domain hypercall trace, a logger of its own so a CLI can show it alone. */
    private static final Logger TRACE = LoggerFactory.getLogger("splitvisor.trace.hypercalls");

    private final HypercallTable table = HypercallTable.get();
    private final HypercallHandler<?>[] handlers;
    private final CoreMeters meters;

    public HypercallGate(CoreMeters meters) {
        this.meters = meters;
        int highest = table.ops().stream().mapToInt(HypercallTable.Op::number).max().orElse(0);
        this.handlers = new HypercallHandler<?>[highest + 1];
    }

    /** Installs the handler of operation {@code name}. */
    public <Q extends Message> void register(String name, Class<Q> requestType, HypercallHandler<Q> handler) {
        HypercallTable.Op op = table.byName(name);
        if (!op.requestPrototype().getClass().equals(requestType)) {
            throw new IllegalArgumentException(name + " takes " + op.requestPrototype().getClass().getSimpleName());
        }
        handlers[op.number()] = handler;
    }

    /** Names of operations without a handler (they answer ENOSYS). */
    public java.util.List<String> unhandled() {
        return table.ops().stream().filter(op -> handlers[op.number()] == null).map(HypercallTable.Op::name).toList();
    }

    /** Handles an OUT of {@code frameGpa} to the hypercall port by {@code caller}. */
    public void invoke(Domain caller, long frameGpa) {
        GuestMemory memory = caller.memory();
        if ((frameGpa & (AbiConstants.HYPERCALL_FRAME_ALIGN - 1)) != 0
                || !memory.isRamRange(frameGpa, HypercallFrameLayout.HEADER_SIZE)) {
            // There is nowhere to write a status: log it and let the guest see no answer.
            meters.hypercallErrors("unreadable-frame", Status.STATUS_EFAULT.name()).increment();
            LOG.warn("{}: hypercall frame address 0x{} is not an aligned frame in its memory", caller, Long.toHexString(frameGpa));
            return;
        }
        byte[] header = memory.read(frameGpa, HypercallFrameLayout.HEADER_SIZE);
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int opNumber = h.getInt(HypercallFrameLayout.OP);
        long requestLen = h.getInt(HypercallFrameLayout.REQUEST_LEN) & 0xFFFFFFFFL;
        long capacity = h.getInt(HypercallFrameLayout.RESPONSE_CAPACITY) & 0xFFFFFFFFL;
        HypercallTable.Op op = table.lookup(opNumber);
        String opName = op == null ? "unknown" : op.name();
        caller.meters().hypercall(opNumber).increment();

        Status status;
        Message response = null;
        Message request = null;
        try {
            if (requestLen > AbiConstants.HYPERCALL_MAX_PAYLOAD || capacity > AbiConstants.HYPERCALL_MAX_PAYLOAD) {
                throw new StatusException(Status.STATUS_EMSGSIZE, "request " + requestLen + " or capacity " + capacity
                        + " bytes exceeds " + AbiConstants.HYPERCALL_MAX_PAYLOAD);
            }
            if (!memory.isRamRange(frameGpa, HypercallFrameLayout.PAYLOAD + Math.max(requestLen, capacity))) {
                throw new StatusException(Status.STATUS_EFAULT, "the frame's payload runs outside the domain's memory");
            }
            if (op == null || handlers[opNumber] == null) {
                throw new StatusException(Status.STATUS_ENOSYS, "no hypercall operation 0x" + Integer.toHexString(opNumber));
            }
            if (op.privileged() && !caller.privileged()) {
                throw new StatusException(Status.STATUS_EPERM, op.name() + " is for dom0 only");
            }
            byte[] payload = memory.read(frameGpa + HypercallFrameLayout.PAYLOAD, (int) requestLen);
            request = parse(op, payload);
            response = dispatch(caller, opNumber, request);
            status = Status.STATUS_OK;
        } catch (StatusException e) {
            status = e.status();
            meters.hypercallErrors(opName, status.name()).increment();
            if (caller.traceHypercalls()) {
                TRACE.info("{}: {} refused: {}", caller, opName, e.getMessage());
            }
        }
        complete(caller, frameGpa, capacity, status, response);
        if (caller.traceHypercalls()) {
            TRACE.info("{}: {}({}) -> {} {}", caller, opName, request == null ? "" : oneLine(request), status.name(),
                    response == null ? "" : oneLine(response));
        }
    }

    @SuppressWarnings("unchecked")
    private Message dispatch(Domain caller, int opNumber, Message request) {
        return ((HypercallHandler<Message>) handlers[opNumber]).handle(caller, request);
    }

    private static Message parse(HypercallTable.Op op, byte[] payload) {
        Message request;
        try {
            request = op.requestPrototype().getParserForType().parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new StatusException(Status.STATUS_EINVAL, op.name() + " request does not decode: " + e.getMessage());
        }
        String violation = AbiBounds.violation(request);
        if (violation != null) {
            throw new StatusException(Status.STATUS_EINVAL, violation);
        }
        return request;
    }

    /** Writes the response (if it fits), then its length, then the status, in that order. */
    private static void complete(Domain caller, long frameGpa, long capacity, Status status, Message response) {
        GuestMemory memory = caller.memory();
        long responseLen = 0;
        if (response != null) {
            byte[] encoded = response.toByteArray();
            responseLen = encoded.length;
            if (encoded.length > capacity) {
                status = Status.STATUS_ENOBUFS;
            } else {
                memory.write(frameGpa + HypercallFrameLayout.PAYLOAD, encoded);
            }
        }
        memory.writeU32(frameGpa + HypercallFrameLayout.RESPONSE_LEN, responseLen);
        memory.writeU32(frameGpa + HypercallFrameLayout.STATUS, status.getNumber());
    }

    private static String oneLine(Message m) {
        String text = TextFormat.printer().emittingSingleLine(true).printToString(m);
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
