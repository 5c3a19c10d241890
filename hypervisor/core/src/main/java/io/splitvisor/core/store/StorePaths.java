package io.splitvisor.core.store;

import io.splitvisor.abi.proto.Status;

/**
 * Store path rules. A path is absolute ({@code /local/domain/5/device/vbd/0/state}) or relative to the caller's
 * home {@code /local/domain/<domid>}; it is made of {@code [A-Za-z0-9-/_@]}, has no empty component (no
 * {@code //}) and no trailing {@code /} (the root {@code /} excepted). The given path and the resolved absolute
 * path are at most {@link #MAX_PATH_BYTES}; a component is at most {@link #MAX_NAME_BYTES} so that every child
 * fits a directory listing. Paths starting with {@code @} are the special watch paths {@link #INTRODUCE_DOMAIN}
 * and {@link #RELEASE_DOMAIN} and are not nodes. Bad paths answer {@code EINVAL}, too long ones
 * {@code ENAMETOOLONG}.
 */
public final class StorePaths {
    public static final int MAX_PATH_BYTES = 512;
    public static final int MAX_NAME_BYTES = 64;
    public static final String ROOT = "/";
    public static final String DOMAINS = "/local/domain";
    public static final String INTRODUCE_DOMAIN = "@introduceDomain";
    public static final String RELEASE_DOMAIN = "@releaseDomain";

    private StorePaths() {
    }

    /** The home of a domain, against which its relative paths are resolved. */
    public static String home(int domid) {
        return DOMAINS + "/" + domid;
    }

    /** Resolves a node path for {@code caller}; special paths are refused with EINVAL. */
    public static String resolve(int caller, String path) {
        String resolved = resolveAny(caller, path);
        if (isSpecial(resolved)) {
            throw invalid("special path " + path + " names no node");
        }
        return resolved;
    }

    /** Resolves a path that may also be one of the special watch paths (for watches and their permissions). */
    public static String resolveAny(int caller, String path) {
        if (path == null || path.isEmpty()) {
            throw invalid("empty path");
        }
        if (path.length() > MAX_PATH_BYTES) {
            throw tooLong(path);
        }
        if (path.charAt(0) == '@') {
            if (path.equals(INTRODUCE_DOMAIN) || path.equals(RELEASE_DOMAIN)) {
                return path;
            }
            throw invalid("unknown special path " + path);
        }
        int nameLength = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '/') {
                if (i > 0 && path.charAt(i - 1) == '/') {
                    throw invalid("empty component in " + path);
                }
                nameLength = 0;
            } else if (isNameChar(c)) {
                if (++nameLength > MAX_NAME_BYTES) {
                    throw tooLong(path);
                }
            } else {
                throw invalid("character 0x" + Integer.toHexString(c) + " in path");
            }
        }
        if (path.length() > 1 && path.charAt(path.length() - 1) == '/') {
            throw invalid("trailing / in " + path);
        }
        if (path.charAt(0) == '/') {
            return path;
        }
        String absolute = home(caller) + "/" + path;
        if (absolute.length() > MAX_PATH_BYTES) {
            throw tooLong(path);
        }
        return absolute;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '@';
    }

    /** True for {@code @introduceDomain} and {@code @releaseDomain}. */
    public static boolean isSpecial(String path) {
        return path.startsWith("@");
    }

    /** True when {@code path} is {@code ancestor} or lies below it (both absolute and valid). */
    public static boolean isAtOrBelow(String path, String ancestor) {
        if (ancestor.equals(ROOT)) {
            return path.startsWith("/");
        }
        return path.startsWith(ancestor)
                && (path.length() == ancestor.length() || path.charAt(ancestor.length()) == '/');
    }

    /** The parent of an absolute path other than the root. */
    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash == 0 ? ROOT : path.substring(0, slash);
    }

    /** The last component of an absolute path other than the root. */
    public static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** {@code child} under {@code parent}. */
    public static String child(String parent, String name) {
        return parent.equals(ROOT) ? "/" + name : parent + "/" + name;
    }

    /** How a watch registered as {@code relative} reports an absolute path: relative to the watcher's home. */
    public static String relativeTo(int domid, String absolute) {
        String prefix = home(domid) + "/";
        return absolute.startsWith(prefix) ? absolute.substring(prefix.length()) : absolute;
    }

    private static StoreException invalid(String detail) {
        return new StoreException(Status.STATUS_EINVAL, detail);
    }

    private static StoreException tooLong(String path) {
        return new StoreException(Status.STATUS_ENAMETOOLONG,
                "path or component too long (" + path.length() + " bytes)");
    }
}
