package io.splitvisor.backend.vrng;

import io.splitvisor.abi.layout.VrngLayout;
import io.splitvisor.backend.BackendDevice;
import io.splitvisor.backend.BackendDriver;
import io.splitvisor.backend.Connection;
import io.splitvisor.backend.DeviceContext;
import io.splitvisor.backend.DeviceSession;
import io.splitvisor.backend.RequestLoop;
import io.splitvisor.backend.RingSpec;
import io.splitvisor.core.StatusException;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The entropy backend ("vrng"), the worked example of docs/WRITING-A-DRIVER.md: each request names
 * a page the frontend granted, an offset and a length; the backend fills that range with random
 * bytes and answers with the count. The whole driver is the request handler below; the framework
 * does the handshake, the ring, the event channel and the meters.
 */
public final class VrngBackend implements BackendDriver {
    private final Supplier<Random> source;

    /** Bytes from {@link SecureRandom}. */
    public VrngBackend() {
        this(SecureRandom::new);
    }

    /** Bytes from the generators {@code source} makes, one per device (tests use a seeded one). */
    public VrngBackend(Supplier<Random> source) {
        this.source = source;
    }

    @Override
    public String type() {
        return VrngLayout.DEVICE_TYPE;
    }

    @Override
    public List<RingSpec> rings() {
        return List.of(RingSpec.ring("ring-ref", VrngLayout.RING));
    }

    @Override
    public BackendDevice probe(DeviceContext context) {
        Random random = source.get();
        return new BackendDevice() {
            @Override
            public Map<String, String> features() {
                return Map.of("max-request-bytes", Integer.toString(VrngLayout.MAX_LENGTH));
            }

            @Override
            public DeviceSession connect(Connection connection) {
                byte[] buffer = new byte[VrngLayout.MAX_LENGTH];
                return new RequestLoop(connection, 0, (request, response) -> fill(context, random, buffer, request, response));
            }
        };
    }

    private static long fill(DeviceContext context, Random random, byte[] buffer, ByteBuffer request, ByteBuffer response) {
        int id = request.getInt(VrngLayout.REQ_ID);
        int gref = request.getInt(VrngLayout.REQ_GREF);
        int offset = Short.toUnsignedInt(request.getShort(VrngLayout.REQ_OFFSET));
        int length = Short.toUnsignedInt(request.getShort(VrngLayout.REQ_LENGTH));
        response.putInt(VrngLayout.RSP_ID, id);
        if (length == 0 || length > VrngLayout.MAX_LENGTH || offset + length > VrngLayout.MAX_LENGTH) {
            return error(context, response);
        }
        for (int i = 0; i < length; i += 8) {   // nextBytes would allocate; fill from longs
            long v = random.nextLong();
            for (int b = 0; b < 8 && i + b < length; b++) {
                buffer[i + b] = (byte) (v >>> (8 * b));
            }
        }
        try {
            context.grants().copyTo(gref, offset, buffer, 0, length);
        } catch (StatusException e) {
            return error(context, response);
        }
        response.putInt(VrngLayout.RSP_STATUS, length);
        return length;
    }

    private static long error(DeviceContext context, ByteBuffer response) {
        response.putInt(VrngLayout.RSP_STATUS, VrngLayout.STATUS_ERROR);
        context.metrics().error();
        return 0;
    }
}
