package io.splitvisor.backend.xenbus;

/**
 * Xen's device directories: the frontend's {@code /local/domain/<fe>/device/<type>/<id>} and the
 * backend's {@code /local/domain/<be>/backend/<type>/<fe>/<id>} (the backend is always dom0 here).
 *
 * @param type     device type ("vbd", "vif", "console", "vrng")
 * @param frontend the guest's domain id
 * @param id       the device id within the type ("51712", "0")
 */
public record DevicePaths(String type, int frontend, String id) {
    public static final int BACKEND_DOMID = 0;
    /** Where dom0's backend directories of every type live. */
    public static final String BACKEND_ROOT = "/local/domain/0/backend";

    public DevicePaths {
        if (!type.matches("[a-z0-9_-]{1,32}") || !id.matches("[A-Za-z0-9_-]{1,32}") || frontend <= 0) {
            throw new IllegalArgumentException("bad device " + type + "/" + frontend + "/" + id);
        }
    }

    public String frontendDir() {
        return "/local/domain/" + frontend + "/device/" + type + "/" + id;
    }

    public String backendDir() {
        return typeRoot(type) + "/" + frontend + "/" + id;
    }

    /** {@code /local/domain/0/backend/<type>}: the directory dom0 watches for new devices. */
    public static String typeRoot(String type) {
        return BACKEND_ROOT + "/" + type;
    }

    /** "vbd/5/51712", for names, logs and meter tags. */
    public String name() {
        return type + "/" + frontend + "/" + id;
    }

    /**
     * The device a path at or below {@code /local/domain/0/backend/<type>/<fe>/<id>} belongs to, or
     * null when the path is above that depth or malformed.
     */
    public static DevicePaths fromBackendPath(String type, String path) {
        String root = typeRoot(type) + "/";
        if (!path.startsWith(root)) {
            return null;
        }
        String[] parts = path.substring(root.length()).split("/");
        if (parts.length < 2) {
            return null;
        }
        try {
            int fe = Integer.parseInt(parts[0]);
            return new DevicePaths(type, fe, parts[1]);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
