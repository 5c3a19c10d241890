package io.splitvisor.core.store;

import io.splitvisor.abi.proto.Status;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A node's permission list, Xen's model: the first entry names the owner (who may always read, write and change
 * the permissions) and the access of every domain not listed; later entries give a listed domain its own access
 * (the first entry naming a domain wins). Immutable. Dom0's privilege is not modelled here: the store bypasses
 * these checks for dom0.
 */
public final class NodePermissions {
    /** At most this many entries (the ABI's bound on {@code StorePermissions.perms}). */
    public static final int MAX_ENTRIES = 16;

    private final List<Permission> entries;

    private NodePermissions(List<Permission> entries) {
        this.entries = entries;
    }

    /** Validates and copies a list: at least one entry (EINVAL), at most {@link #MAX_ENTRIES} (E2BIG). */
    public static NodePermissions of(List<Permission> entries) {
        if (entries == null || entries.isEmpty()) {
            throw new StoreException(Status.STATUS_EINVAL, "a permission list needs an owner entry");
        }
        if (entries.size() > MAX_ENTRIES) {
            throw new StoreException(Status.STATUS_E2BIG, "more than " + MAX_ENTRIES + " permission entries");
        }
        for (Permission p : entries) {
            if (p == null) {
                throw new StoreException(Status.STATUS_EINVAL, "null permission entry");
            }
        }
        return new NodePermissions(List.copyOf(entries));
    }

    public static NodePermissions of(Permission... entries) {
        return of(List.of(entries));
    }

    /** Parses Xen's notation, e.g. {@code "n5 r0"} or {@code "n5,r0"}. */
    public static NodePermissions parse(String text) {
        List<Permission> list = new ArrayList<>();
        for (String part : text.trim().split("[,\\s]+")) {
            if (!part.isEmpty()) {
                list.add(Permission.parse(part));
            }
        }
        return of(list);
    }

    /** Owned by {@code owner}, every other domain gets {@code defaultAccess}. */
    public static NodePermissions owned(int owner, Access defaultAccess) {
        return new NodePermissions(List.of(new Permission(owner, defaultAccess)));
    }

    public List<Permission> entries() {
        return entries;
    }

    public int owner() {
        return entries.get(0).domid();
    }

    public Access defaultAccess() {
        return entries.get(0).access();
    }

    /** The access of {@code domid} by this list alone (the owner has {@link Access#BOTH}). */
    public Access accessFor(int domid) {
        if (domid == owner()) {
            return Access.BOTH;
        }
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).domid() == domid) {
                return entries.get(i).access();
            }
        }
        return defaultAccess();
    }

    public boolean canRead(int domid) {
        return accessFor(domid).canRead();
    }

    public boolean canWrite(int domid) {
        return accessFor(domid).canWrite();
    }

    /** The same list with the first entry's domain replaced (a guest owns the nodes it creates). */
    public NodePermissions withOwner(int domid) {
        if (domid == owner()) {
            return this;
        }
        List<Permission> copy = new ArrayList<>(entries);
        copy.set(0, new Permission(domid, defaultAccess()));
        return new NodePermissions(List.copyOf(copy));
    }

    /**
     * The list with every trace of a dead domain gone: its entries dropped, its ownership given to dom0 (so a
     * later domain reusing the id inherits nothing, the lesson of Xen's XSA-322). Returns {@code this} when the
     * domain is not named.
     */
    public NodePermissions revoke(int domid) {
        boolean named = false;
        for (Permission p : entries) {
            named |= p.domid() == domid;
        }
        if (!named || domid == 0) {
            return this;
        }
        List<Permission> copy = new ArrayList<>(entries.size());
        Permission first = entries.get(0);
        copy.add(first.domid() == domid ? new Permission(0, first.access()) : first);
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).domid() != domid) {
                copy.add(entries.get(i));
            }
        }
        return new NodePermissions(List.copyOf(copy));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodePermissions other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return entries.stream().map(Permission::toString).collect(Collectors.joining(","));
    }
}
