package io.splitvisor.backend.blk;

import io.splitvisor.abi.layout.BlkifLayout;
import io.splitvisor.backend.BackendDevice;
import io.splitvisor.backend.BackendDriver;
import io.splitvisor.backend.Connection;
import io.splitvisor.backend.DeviceContext;
import io.splitvisor.backend.DeviceException;
import io.splitvisor.backend.DeviceSession;
import io.splitvisor.backend.RequestLoop;
import io.splitvisor.backend.RingSpec;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The block backend ("vbd"): a raw image file (backend key {@code params}, {@code mode} r or w)
 * served over a blkif ring. Read, write, flush (fsync before the response), discard (checked and
 * accepted), 11 segments per request, no indirect requests. See docs/WRITING-A-DRIVER.md section 2.
 */
public final class BlockBackend implements BackendDriver {
    public static final String TYPE = "vbd";
    /** Xen's VDISK_READONLY bit of {@code info}. */
    public static final int VDISK_READONLY = 4;
    /** Xen's vbd id of the first xvd disk (xvda); disk n is {@code XVDA + (n << 4)}. */
    public static final int XVDA = 202 << 8;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<RingSpec> rings() {
        return List.of(RingSpec.ring("ring-ref", BlkifLayout.RING));
    }

    @Override
    public BackendDevice probe(DeviceContext context) {
        String params = context.backendKey("params").orElseThrow(() -> new DeviceException("backend key params (the image) is missing"));
        String mode = context.backendKey("mode").orElse("w");
        if (!mode.equals("r") && !mode.equals("w")) {
            throw new DeviceException("mode " + mode + " is neither r nor w");
        }
        Path path;
        try {
            path = Path.of(params);
        } catch (InvalidPathException e) {
            throw new DeviceException("params " + params + " is not a path");
        }
        BlockImage image = BlockImage.open(path, mode.equals("r"));
        return new Device(context, image);
    }

    /** Backend keys the toolstack writes for an image: {@code params}, {@code type}, {@code mode}, {@code device-type}, {@code dev}. */
    public static Map<String, String> backendKeys(Path image, boolean readOnly, int disk) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("params", image.toAbsolutePath().toString());
        keys.put("type", "file");
        keys.put("mode", readOnly ? "r" : "w");
        keys.put("device-type", "disk");
        keys.put("dev", "xvd" + (char) ('a' + disk));
        return keys;
    }

    /** Frontend keys the toolstack writes: {@code virtual-device}, {@code device-type}. */
    public static Map<String, String> frontendKeys(int disk) {
        return Map.of("virtual-device", Integer.toString(deviceId(disk)), "device-type", "disk");
    }

    /** Xen's id of xvd disk {@code disk} (0 = xvda = 51712). */
    public static int deviceId(int disk) {
        if (disk < 0 || disk > 15) {
            throw new IllegalArgumentException("disk index " + disk + " outside 0-15");
        }
        return XVDA | disk << 4;
    }

    private static final class Device implements BackendDevice {
        private final DeviceContext context;
        private final BlockImage image;

        Device(DeviceContext context, BlockImage image) {
            this.context = context;
            this.image = image;
        }

        @Override
        public Map<String, String> features() {
            Map<String, String> f = new LinkedHashMap<>();
            f.put("feature-flush-cache", "1");
            f.put("feature-discard", "1");
            f.put("discard-granularity", Integer.toString(BlockImage.SECTOR));
            f.put("discard-alignment", "0");
            f.put("discard-secure", "0");
            f.put("feature-barrier", "0");
            f.put("feature-persistent", "0");
            f.putAll(properties());
            return f;
        }

        @Override
        public Map<String, String> properties() {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("sectors", Long.toString(image.sectors()));
            p.put("sector-size", Integer.toString(BlockImage.SECTOR));
            p.put("physical-sector-size", Integer.toString(BlockImage.SECTOR));
            p.put("info", Integer.toString(image.readOnly() ? VDISK_READONLY : 0));
            return p;
        }

        @Override
        public DeviceSession connect(Connection connection) {
            return new RequestLoop(connection, 0, new BlockRequestHandler(context, image));
        }

        @Override
        public void close() {
            image.close();
        }
    }
}
