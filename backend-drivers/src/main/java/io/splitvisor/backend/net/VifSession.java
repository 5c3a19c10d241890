package io.splitvisor.backend.net;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.layout.NetifLayout;
import io.splitvisor.backend.Connection;
import io.splitvisor.backend.DeviceContext;
import io.splitvisor.backend.DeviceSession;
import io.splitvisor.backend.ring.BackRing;
import io.splitvisor.core.StatusException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A connected vif: its port on the switch, its tx ring (frames from the guest, copied out and
 * handed to the switch) and its rx ring (buffers the guest posted, filled with frames queued for
 * its port, each answered in its request's slot). Runs on the device worker; the switch wakes it
 * when frames arrive for it.
 */
final class VifSession implements DeviceSession {
    private final Connection connection;
    private final DeviceContext context;
    private final VirtualSwitch bridge;
    private final SwitchPort port;
    private final BackRing tx;
    private final BackRing rx;
    private final byte[] txRequest;
    private final byte[] txResponse;
    private final byte[] rxRequest;
    private final byte[] rxResponse;
    private final ByteBuffer txReq;
    private final ByteBuffer txRsp;
    private final ByteBuffer rxReq;
    private final ByteBuffer rxRsp;

    VifSession(Connection connection, VirtualSwitch bridge, long mac) {
        this.connection = connection;
        this.context = connection.context();
        this.bridge = bridge;
        this.tx = connection.ring(NetBackend.TX);
        this.rx = connection.ring(NetBackend.RX);
        this.txRequest = new byte[tx.requestSize()];
        this.txResponse = new byte[tx.responseSize()];
        this.rxRequest = new byte[rx.requestSize()];
        this.rxResponse = new byte[rx.responseSize()];
        this.txReq = ByteBuffer.wrap(txRequest).order(ByteOrder.LITTLE_ENDIAN);
        this.txRsp = ByteBuffer.wrap(txResponse).order(ByteOrder.LITTLE_ENDIAN);
        this.rxReq = ByteBuffer.wrap(rxRequest).order(ByteOrder.LITTLE_ENDIAN);
        this.rxRsp = ByteBuffer.wrap(rxResponse).order(ByteOrder.LITTLE_ENDIAN);
        this.port = bridge.attach(context.name(), context::wake);
        bridge.learn(port, mac);
    }

    @Override
    public void onNotify() {
        boolean more = transmit();
        more |= receive();
        boolean notify = tx.pushResponses();
        notify |= rx.pushResponses();
        if (notify) {
            connection.notifyFrontend();
        }
        if (more) {
            context.wake();   // a ring's worth done; continue in a fresh pass
        }
    }

    /** Frames from the guest; returns true when the budget ran out with requests left. */
    private boolean transmit() {
        int budget = tx.size();
        do {
            int available = tx.unconsumedRequests();
            while (available-- > 0) {
                if (budget-- == 0) {
                    return true;
                }
                int index = tx.copyRequest(txRequest);
                context.tracer().requestCopied(context.name(), NetBackend.TX, index, txRequest);
                int gref = txReq.getInt(NetifLayout.TX_REQ_GREF);
                int offset = Short.toUnsignedInt(txReq.getShort(NetifLayout.TX_REQ_OFFSET));
                int flags = Short.toUnsignedInt(txReq.getShort(NetifLayout.TX_REQ_FLAGS));
                int id = Short.toUnsignedInt(txReq.getShort(NetifLayout.TX_REQ_ID));
                int size = Short.toUnsignedInt(txReq.getShort(NetifLayout.TX_REQ_SIZE));
                byte[] frame = null;
                if ((flags & NetifLayout.TXF_MORE_DATA) == 0 && size >= VirtualSwitch.MIN_FRAME
                        && size <= NetifLayout.MAX_FRAME && offset + size <= AbiConstants.PAGE_SIZE) {
                    frame = new byte[size];
                    try {
                        context.grants().copyFrom(gref, offset, frame, 0, size);
                    } catch (StatusException e) {
                        frame = null;
                    }
                }
                txRsp.putShort(NetifLayout.TX_RSP_ID, (short) id);
                txRsp.putShort(NetifLayout.TX_RSP_STATUS, (short) (frame != null ? NetifLayout.STATUS_OKAY : NetifLayout.STATUS_ERROR));
                tx.writeResponse(txResponse);
                if (frame != null) {
                    context.metrics().request(size);
                    bridge.transmit(port, frame);
                } else {
                    context.metrics().request(0);
                    context.metrics().error();
                    port.txDropped();
                }
            }
        } while (tx.finalCheckForRequests());
        return false;
    }

    /** Frames for the guest into its posted buffers; returns true when the budget ran out with frames and buffers left. */
    private boolean receive() {
        int budget = rx.size();
        while (port.peek() != null) {
            if (rx.unconsumedRequests() == 0 && !rx.finalCheckForRequests()) {
                return false;   // no buffer posted: frames wait (bounded); the guest's next post wakes us
            }
            if (budget-- == 0) {
                return true;
            }
            int index = rx.copyRequest(rxRequest);
            context.tracer().requestCopied(context.name(), NetBackend.RX, index, rxRequest);
            int id = Short.toUnsignedInt(rxReq.getShort(NetifLayout.RX_REQ_ID));
            int gref = rxReq.getInt(NetifLayout.RX_REQ_GREF);
            byte[] frame = port.poll();
            int status;
            try {
                context.grants().copyTo(gref, 0, frame, 0, frame.length);
                status = frame.length;
                port.delivered(frame.length);
                context.metrics().request(frame.length);
            } catch (StatusException e) {
                status = NetifLayout.STATUS_ERROR;
                port.rxDropped();
                context.metrics().request(0);
                context.metrics().error();
            }
            rxRsp.putShort(NetifLayout.RX_RSP_ID, (short) id);
            rxRsp.putShort(NetifLayout.RX_RSP_OFFSET, (short) 0);
            rxRsp.putShort(NetifLayout.RX_RSP_FLAGS, (short) 0);
            rxRsp.putShort(NetifLayout.RX_RSP_STATUS, (short) status);
            rx.writeResponse(rxResponse);
        }
        return false;
    }

    SwitchPort port() {
        return port;
    }

    @Override
    public void close() {
        bridge.detach(port);
    }
}
