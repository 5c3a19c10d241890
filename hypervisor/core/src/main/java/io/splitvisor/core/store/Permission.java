package io.splitvisor.core.store;

import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.proto.Status;

import java.util.Objects;

/** One entry of a node's permission list: a domain and its access, written {@code r5} in Xen's notation. */
public record Permission(int domid, Access access) {
    public Permission {
        Objects.requireNonNull(access, "access");
        if (domid < 0 || domid >= AbiConstants.DOMID_FIRST_RESERVED) {
            throw new StoreException(Status.STATUS_EINVAL, "permission names invalid domain " + domid);
        }
    }

    /** Parses Xen's notation, e.g. {@code b0} or {@code r5}. */
    public static Permission parse(String text) {
        if (text == null || text.length() < 2 || Access.fromLetter(text.charAt(0)) == null) {
            throw new StoreException(Status.STATUS_EINVAL, "bad permission " + text);
        }
        int domid;
        try {
            domid = Integer.parseInt(text.substring(1));
        } catch (NumberFormatException e) {
            throw new StoreException(Status.STATUS_EINVAL, "bad permission " + text);
        }
        return new Permission(domid, Access.fromLetter(text.charAt(0)));
    }

    @Override
    public String toString() {
        return access.letter() + Integer.toString(domid);
    }
}
