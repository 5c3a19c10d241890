/**
 * The store: Splitvisor's XenStore. A tree of nodes, each with a value (at most 2048 bytes, no terminator) and a
 * permission list, that domains use to publish configuration and to rendezvous (device directories and the
 * xenbus state handshake). Dom0 code calls {@link io.splitvisor.core.store.Store} directly; each guest reaches
 * it over its store page, served by a {@link io.splitvisor.core.store.StoreRingConnection} (ABI.md section 9).
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li><b>Paths</b> ({@link io.splitvisor.core.store.StorePaths}): absolute, or relative to the caller's home
 *       {@code /local/domain/<domid>}; {@code [A-Za-z0-9-/_@]}, no {@code //}, no trailing {@code /}; at most
 *       512 bytes (also once resolved) and 64 bytes per component. {@code @introduceDomain} and
 *       {@code @releaseDomain} are watch-only special paths. EINVAL, or ENAMETOOLONG when too long.</li>
 *   <li><b>Tree</b>: a write creates missing parents; mkdir of an existing node is a no-op; remove takes the
 *       subtree (a missing node under an existing parent is not an error); a listing carries at most 64 names
 *       and no more than fit one message, with {@code truncated} set beyond.</li>
 *   <li><b>Permissions</b> (Xen's): the first entry names the owner (full access, may change the list) and the
 *       access of unlisted domains; later entries give listed domains {@code n r w b}. Reading, listing and
 *       get-perms need r; write, mkdir and remove need w on the node (creating needs w on the nearest existing
 *       ancestor). A guest owns what it creates (the new node inherits its parent's list with the owner
 *       replaced); dom0 bypasses every check, and nodes it creates inherit the parent's list unchanged. Only
 *       dom0 may change an owner (EPERM). A missing node under a directory the caller may not read answers
 *       EACCES, not ENOENT, so guests cannot probe.</li>
 *   <li><b>Watches</b>: fire once when registered, then for every change (write, mkdir, remove, set-perms) at
 *       or below the path; a removal also fires watches below the removed node (with their own path). A guest
 *       hears only of nodes it may read (the first event excepted, as in Xen); special paths are guarded by
 *       their own permission list, dom0-only by default. A relative watch reports relative paths. Events are
 *       handed to {@link io.splitvisor.core.store.WatchSink}s outside the store lock, in change order.</li>
 *   <li><b>Transactions</b>: a private snapshot of the tree at start plus its own changes; commit re-checks the
 *       generation of every node the transaction read, wrote or listed (and the parents whose listing it
 *       changed) against the committed tree, answers EAGAIN on any difference, else replays its changes
 *       atomically (checking permissions and quotas again) and only then fires their watches.</li>
 *   <li><b>Quotas</b> ({@link io.splitvisor.core.store.StoreQuota}, per domain, dom0 exempt): nodes owned,
 *       value bytes owned, watches, open transactions, nodes per transaction (EQUOTA, logged once per burst),
 *       and per ring connection outstanding responses (requests wait in the guest's ring) and queued watch
 *       events (dropped and counted beyond).</li>
 *   <li><b>Domains</b>: introducing creates the home owned by the domain and fires {@code @introduceDomain};
 *       releasing drops the domain's watches, transactions and ring connections, removes its home, strips it
 *       from every remaining permission list (its nodes elsewhere pass to dom0, so a reused domid inherits
 *       nothing) and fires {@code @releaseDomain}.</li>
 *   <li><b>Ring</b>: {@code [u32 LE length][protobuf]} messages in two 1 KiB byte rings with free-running
 *       indices; a protocol violation writes a {@link io.splitvisor.core.store.RingError} code into the page's
 *       {@code error} field and closes that ring only; a bad request only gets an error status.</li>
 * </ul>
 */
package io.splitvisor.core.store;
