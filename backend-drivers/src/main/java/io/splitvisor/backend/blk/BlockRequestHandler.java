package io.splitvisor.backend.blk;

import io.splitvisor.abi.layout.BlkifLayout;
import io.splitvisor.backend.DeviceContext;
import io.splitvisor.backend.RequestHandler;
import io.splitvisor.core.StatusException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Serves blkif requests against a {@link BlockImage}, reading only the private copy of each
 * request. Every field is validated before any I/O: segment count, each segment's sector range
 * within its page, and the whole range within the image. Writes gather every segment's data
 * (grant copies) before the image is touched, so a request answered ERROR wrote nothing.
 */
final class BlockRequestHandler implements RequestHandler {
    private static final Logger LOG = LoggerFactory.getLogger(BlockRequestHandler.class);
    private static final int SECTOR = BlkifLayout.SECTOR_SIZE;
    private static final int MAX_SEGMENTS = BlkifLayout.MAX_SEGMENTS_PER_REQUEST;

    private final DeviceContext context;
    private final BlockImage image;
    private final byte[] data = new byte[MAX_SEGMENTS * BlkifLayout.SECTORS_PER_PAGE * SECTOR];
    private final ByteBuffer dataView = ByteBuffer.wrap(data);
    private final int[] grefs = new int[MAX_SEGMENTS];
    private final int[] firsts = new int[MAX_SEGMENTS];
    private final int[] counts = new int[MAX_SEGMENTS];
    private long moved;

    BlockRequestHandler(DeviceContext context, BlockImage image) {
        this.context = context;
        this.image = image;
    }

    @Override
    public long handle(ByteBuffer request, ByteBuffer response) {
        int op = Byte.toUnsignedInt(request.get(BlkifLayout.REQ_OPERATION));
        response.putLong(BlkifLayout.RSP_ID, request.getLong(BlkifLayout.REQ_ID));
        response.put(BlkifLayout.RSP_OPERATION, (byte) op);
        moved = 0;
        int status = switch (op) {
            case BlkifLayout.OP_READ -> readWrite(request, false);
            case BlkifLayout.OP_WRITE -> readWrite(request, true);
            case BlkifLayout.OP_FLUSH_DISKCACHE -> flush(request);
            case BlkifLayout.OP_DISCARD -> discard(request);
            default -> BlkifLayout.STATUS_EOPNOTSUPP;
        };
        if (status != BlkifLayout.STATUS_OKAY) {
            context.metrics().error();
        }
        response.putShort(BlkifLayout.RSP_STATUS, (short) status);
        return moved;
    }

    /** Decodes and checks the segments into the scratch arrays; returns the sector count, or -1 if malformed. */
    private int segments(ByteBuffer request) {
        int n = Byte.toUnsignedInt(request.get(BlkifLayout.REQ_NR_SEGMENTS));
        if (n == 0 || n > MAX_SEGMENTS) {
            return -1;
        }
        int total = 0;
        for (int i = 0; i < n; i++) {
            int at = BlkifLayout.REQ_SEGMENTS + i * BlkifLayout.SEGMENT_SIZE;
            int first = Byte.toUnsignedInt(request.get(at + BlkifLayout.SEG_FIRST_SECT));
            int last = Byte.toUnsignedInt(request.get(at + BlkifLayout.SEG_LAST_SECT));
            if (first > last || last >= BlkifLayout.SECTORS_PER_PAGE) {
                return -1;
            }
            grefs[i] = request.getInt(at + BlkifLayout.SEG_GREF);
            firsts[i] = first;
            counts[i] = last - first + 1;
            total += counts[i];
        }
        return total;
    }

    private int readWrite(ByteBuffer request, boolean write) {
        int n = Byte.toUnsignedInt(request.get(BlkifLayout.REQ_NR_SEGMENTS));
        int sectors = segments(request);
        long sector = request.getLong(BlkifLayout.REQ_SECTOR_NUMBER);
        if (sectors < 0 || !image.contains(sector, sectors) || (write && image.readOnly())) {
            return BlkifLayout.STATUS_ERROR;
        }
        int bytes = sectors * SECTOR;
        try {
            if (write) {
                int at = 0;
                for (int i = 0; i < n; i++) {
                    context.grants().copyFrom(grefs[i], firsts[i] * SECTOR, data, at, counts[i] * SECTOR);
                    at += counts[i] * SECTOR;
                }
                image.write(sector, dataView.clear().limit(bytes));
            } else {
                image.read(sector, dataView.clear().limit(bytes));
                int at = 0;
                for (int i = 0; i < n; i++) {
                    context.grants().copyTo(grefs[i], firsts[i] * SECTOR, data, at, counts[i] * SECTOR);
                    at += counts[i] * SECTOR;
                }
            }
        } catch (StatusException e) {
            return BlkifLayout.STATUS_ERROR;   // a bad, foreign or read-only grant: nothing was written to the image
        } catch (IOException e) {
            LOG.warn("{}: {} of {} sectors at {} failed: {}", context.name(), write ? "write" : "read", sectors, sector, e.getMessage());
            return BlkifLayout.STATUS_ERROR;
        }
        moved = bytes;
        return BlkifLayout.STATUS_OKAY;
    }

    private int flush(ByteBuffer request) {
        if (request.get(BlkifLayout.REQ_NR_SEGMENTS) != 0) {
            int status = readWrite(request, true);   // a write that must be durable when answered
            if (status != BlkifLayout.STATUS_OKAY) {
                return status;
            }
        }
        try {
            if (!image.readOnly()) {
                image.flush();
            }
            return BlkifLayout.STATUS_OKAY;
        } catch (IOException e) {
            LOG.warn("{}: flush failed: {}", context.name(), e.getMessage());
            return BlkifLayout.STATUS_ERROR;
        }
    }

    private int discard(ByteBuffer request) {
        long sector = request.getLong(BlkifLayout.REQ_SECTOR_NUMBER);
        long count = request.getLong(BlkifLayout.DISCARD_NR_SECTORS);
        if (image.readOnly() || !image.contains(sector, count)) {
            return BlkifLayout.STATUS_ERROR;
        }
        // Accepted and checked; the data stays (no discard-zeroes-data is published, so that is allowed).
        return BlkifLayout.STATUS_OKAY;
    }
}
