package io.splitvisor.core.store;

import com.google.protobuf.CodedOutputStream;
import io.micrometer.core.instrument.MeterRegistry;
import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.proto.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The store (the role of XenStore): a tree of nodes with values and permissions, watches, transactions and
 * per-domain quotas. This is the Java API that dom0 code uses directly and that {@link StoreRingConnection}
 * uses on behalf of a guest. Every call names its caller's domid (dom0, domid 0, bypasses permissions and
 * quotas; any other caller must have been {@linkplain #introduceDomain introduced}, else ESRCH) and, for tree
 * operations, a transaction id (0 for none). Failures throw {@link StoreException}.
 * <p>
 * Thread-safe: one lock guards the tree; watch events are queued under it and handed to their
 * {@link WatchSink}s after it is released, in the order of the changes. See the package documentation for the
 * semantics.
 */
public final class Store {
    /** Most children one {@link #directory} answer carries (the ABI's bound on a listing). */
    public static final int MAX_LISTING_CHILDREN = 64;
    /** Bytes of encoded child names one listing may carry so that the response fits a store message. */
    static final int LISTING_BYTE_BUDGET = AbiConstants.STORE_MAX_MESSAGE - 64;
    /** Longest watch token, in UTF-8 bytes. */
    public static final int MAX_TOKEN_BYTES = 64;

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);
    private static final int UNLIMITED = Integer.MAX_VALUE;

    private final ReentrantLock lock = new ReentrantLock();
    private final StoreMetrics metrics;
    private final EventDispatcher dispatcher;
    private final RateLimitedLog quotaLog;
    private final StoreQuota defaultQuota;
    private final Map<Integer, StoreQuota> quotas = new HashMap<>();
    private final UsageLedger ledger = new UsageLedger();
    private final WatchRegistry watches = new WatchRegistry();
    private final TransactionTable transactions = new TransactionTable();
    private final Set<Integer> introduced = new HashSet<>();
    private final Map<String, NodePermissions> specialPerms = new HashMap<>();
    private final Map<Integer, List<StoreRingConnection>> connections = new HashMap<>();
    private StoreNode root;
    private long generation;

    public Store(MeterRegistry registry) {
        this(registry, StoreQuota.DEFAULT);
    }

    public Store(MeterRegistry registry, StoreQuota defaultQuota) {
        this.metrics = new StoreMetrics(registry);
        this.dispatcher = new EventDispatcher(metrics);
        this.defaultQuota = defaultQuota;
        this.quotaLog = new RateLimitedLog(LOG::warn, TimeUnit.SECONDS.toNanos(10), System::nanoTime);
        NodePermissions dom0Only = NodePermissions.owned(0, Access.NONE);
        specialPerms.put(StorePaths.INTRODUCE_DOMAIN, dom0Only);
        specialPerms.put(StorePaths.RELEASE_DOMAIN, dom0Only);
        root = StoreNode.create(dom0Only, 0);
        ledger.add(0, 1, 0);
        TreeEditor e = editor(root, ledger.delta(), AccessLog.NONE);
        e.mkdir(0, StorePaths.home(0));
        commit(e);
        introduced.add(0);
    }

    // ---- tree operations -------------------------------------------------------------------------------------

    /** The value of a node (empty for a node that only has children). Needs read access. */
    public byte[] read(int caller, int txId, String path) {
        return call("read", caller, () -> query(caller, txId, e -> e.read(caller, StorePaths.resolve(caller, path))));
    }

    /** Sets a node's value (at most 2048 bytes, E2BIG), creating it and missing parents. */
    public void write(int caller, int txId, String path, byte[] value) {
        byte[] copy = value.clone();
        call("write", caller, () -> {
            String p = StorePaths.resolve(caller, path);
            return mutate(caller, txId, e -> e.write(caller, p, copy));
        });
    }

    /** {@link #write(int, int, String, byte[])} with the UTF-8 bytes of {@code value}. */
    public void write(int caller, int txId, String path, String value) {
        write(caller, txId, path, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Creates a node and missing parents; an existing node is left as it is. */
    public void mkdir(int caller, int txId, String path) {
        call("mkdir", caller, () -> {
            String p = StorePaths.resolve(caller, path);
            return mutate(caller, txId, e -> e.mkdir(caller, p));
        });
    }

    /** Removes a node and its subtree; a missing node whose parent exists is not an error. */
    public void remove(int caller, int txId, String path) {
        call("remove", caller, () -> {
            String p = StorePaths.resolve(caller, path);
            return mutate(caller, txId, e -> e.remove(caller, p));
        });
    }

    /** The children of a node as the protocol answers them: bounded, with {@code truncated} set beyond. */
    public DirectoryListing directory(int caller, int txId, String path) {
        List<String> all = call("directory", caller,
                () -> query(caller, txId, e -> e.children(caller, StorePaths.resolve(caller, path))));
        List<String> shown = new ArrayList<>();
        int bytes = 0;
        for (String name : all) {
            bytes += CodedOutputStream.computeStringSize(1, name);
            if (shown.size() == MAX_LISTING_CHILDREN || bytes > LISTING_BYTE_BUDGET) {
                return new DirectoryListing(shown, true);
            }
            shown.add(name);
        }
        return new DirectoryListing(shown, false);
    }

    /** Every child name of a node, sorted (Java API only: not bounded like {@link #directory}). */
    public List<String> children(int caller, int txId, String path) {
        return call("directory", caller,
                () -> query(caller, txId, e -> e.children(caller, StorePaths.resolve(caller, path))));
    }

    /** A node's permission list (also of a special path). Needs read access. */
    public NodePermissions getPerms(int caller, int txId, String path) {
        return call("get_perms", caller, () -> {
            String p = StorePaths.resolveAny(caller, path);
            if (StorePaths.isSpecial(p)) {
                NodePermissions perms = specialPerms.get(p);
                if (caller != 0 && !perms.canRead(caller)) {
                    throw new StoreException(Status.STATUS_EACCES, "domain " + caller + " may not read " + p);
                }
                return perms;
            }
            return query(caller, txId, e -> e.getPerms(caller, p));
        });
    }

    /**
     * Replaces a node's permission list (also of a special path, which decides who hears its events): only its
     * owner or dom0, and only dom0 may name a new owner (EPERM).
     */
    public void setPerms(int caller, int txId, String path, NodePermissions perms) {
        java.util.Objects.requireNonNull(perms, "perms");
        call("set_perms", caller, () -> {
            String p = StorePaths.resolveAny(caller, path);
            if (StorePaths.isSpecial(p)) {
                if (caller != 0) {
                    throw new StoreException(Status.STATUS_EACCES, "only dom0 may change " + p);
                }
                specialPerms.put(p, perms);
                return null;
            }
            return mutate(caller, txId, e -> e.setPerms(caller, p, perms));
        });
    }

    // ---- watches ---------------------------------------------------------------------------------------------

    /**
     * Registers a watch; it fires once at once, then for every change at or below {@code path} the watcher may
     * read (removals also fire watches below the removed node). Special paths fire on domain introduction and
     * release. EEXIST for a duplicate, EQUOTA past the watch quota, E2BIG for a token over 64 bytes.
     */
    public void watch(int caller, String path, String token, WatchSink sink) {
        java.util.Objects.requireNonNull(sink, "sink");
        call("watch", caller, () -> {
            String p = StorePaths.resolveAny(caller, path);
            checkToken(token);
            if (caller != 0 && watches.count(caller) >= quotaLocked(caller).maxWatches()) {
                throw new StoreException(Status.STATUS_EQUOTA,
                        "domain " + caller + " has " + watches.count(caller) + " watches");
            }
            boolean relative = !path.startsWith("/") && !StorePaths.isSpecial(path);
            Watch w = new Watch(caller, p, token, relative, sink);
            watches.add(w);
            metrics.watches.set(watches.total());
            dispatcher.enqueue(new WatchEvent(sink, w.report(p), token));
            return null;
        });
    }

    /** Removes a watch registered with the same path, token and sink; ENOENT if there is none. */
    public void unwatch(int caller, String path, String token, WatchSink sink) {
        call("unwatch", caller, () -> {
            String p = StorePaths.resolveAny(caller, path);
            checkToken(token);
            watches.remove(caller, p, token, sink);
            metrics.watches.set(watches.total());
            return null;
        });
    }

    private static void checkToken(String token) {
        if (token == null) {
            throw new StoreException(Status.STATUS_EINVAL, "no watch token");
        }
        if (token.getBytes(StandardCharsets.UTF_8).length > MAX_TOKEN_BYTES) {
            throw new StoreException(Status.STATUS_E2BIG, "watch token over " + MAX_TOKEN_BYTES + " bytes");
        }
    }

    // ---- transactions ----------------------------------------------------------------------------------------

    /** Opens a transaction and returns its id (never 0). EQUOTA past the domain's open-transaction quota. */
    public int transactionStart(int caller) {
        return call("transaction_start", caller, () -> {
            int open = transactions.count(caller);
            if (caller != 0 && open >= quotaLocked(caller).maxTransactions()) {
                throw new StoreException(Status.STATUS_EQUOTA,
                        "domain " + caller + " has " + open + " open transactions");
            }
            int maxNodes = caller == 0 ? UNLIMITED : quotaLocked(caller).maxTransactionNodes();
            Transaction tx = transactions.open(caller, root, ledger.delta(), maxNodes);
            metrics.transactions.set(transactions.size());
            return tx.id();
        });
    }

    /**
     * Ends a transaction: {@code commit=false} discards it; {@code commit=true} applies all its changes at once
     * and fires their watches, or fails with EAGAIN (nothing applied) if a node it used changed meanwhile.
     * Either way the transaction is gone afterwards. ENOENT for an unknown id or another domain's.
     */
    public void transactionEnd(int caller, int txId, boolean commit) {
        call("transaction_end", caller, () -> {
            Transaction tx = transactions.get(caller, txId);
            transactions.close(tx);
            metrics.transactions.set(transactions.size());
            if (!commit) {
                return null;
            }
            String conflict = tx.conflictWith(root);
            if (conflict != null) {
                throw new StoreException(Status.STATUS_EAGAIN, "transaction " + txId + " conflicts at " + conflict);
            }
            TreeEditor e = editor(root, ledger.delta(), AccessLog.NONE);
            for (Mutation m : tx.mutations()) {
                m.applyTo(e);
            }
            commit(e);
            return null;
        });
    }

    // ---- domains ---------------------------------------------------------------------------------------------

    /**
     * Introduces a guest (dom0's act): creates {@code /local/domain/<domid>} (or keeps what dom0 already put
     * there) owned by the domain, readable by no other guest, and fires {@code @introduceDomain}.
     */
    public void introduceDomain(int domid) {
        call("introduce", 0, () -> {
            if (domid <= 0 || domid >= AbiConstants.DOMID_FIRST_RESERVED) {
                throw new StoreException(Status.STATUS_EINVAL, "cannot introduce domain " + domid);
            }
            if (!introduced.add(domid)) {
                throw new StoreException(Status.STATUS_EEXIST, "domain " + domid + " already introduced");
            }
            TreeEditor e = editor(root, ledger.delta(), AccessLog.NONE);
            e.mkdir(0, StorePaths.home(domid));
            e.setPerms(0, StorePaths.home(domid), NodePermissions.owned(domid, Access.NONE));
            commit(e);
            watches.specialEvent(StorePaths.INTRODUCE_DOMAIN, specialPerms.get(StorePaths.INTRODUCE_DOMAIN),
                    dispatcher::enqueue);
            return null;
        });
    }

    /**
     * Releases a domain (it was destroyed): drops its watches, transactions and ring connections, removes
     * {@code /local/domain/<domid>} (firing the watches on it), strips the domain from every permission list
     * left elsewhere (its nodes there pass to dom0, so a later domain with the same id inherits nothing),
     * forgets its quota, and fires {@code @releaseDomain}.
     */
    public void releaseDomain(int domid) {
        List<StoreRingConnection> closing = call("release", 0, () -> {
            if (domid == 0 || !introduced.remove(domid)) {
                throw new StoreException(Status.STATUS_ESRCH, "domain " + domid + " is not introduced");
            }
            watches.removeDomain(domid);
            metrics.watches.set(watches.total());
            transactions.closeDomain(domid);
            metrics.transactions.set(transactions.size());
            TreeEditor e = editor(root, ledger.delta(), AccessLog.NONE);
            e.remove(0, StorePaths.home(domid));
            e.revokeDomain(domid);
            commit(e);
            specialPerms.replaceAll((special, perms) -> perms.revoke(domid));
            quotas.remove(domid);
            watches.specialEvent(StorePaths.RELEASE_DOMAIN, specialPerms.get(StorePaths.RELEASE_DOMAIN),
                    dispatcher::enqueue);
            List<StoreRingConnection> list = connections.remove(domid);
            return list == null ? List.<StoreRingConnection>of() : list;
        });
        quotaLog.forget(domid + ":");
        for (StoreRingConnection c : closing) {
            c.close();
        }
    }

    public boolean isIntroduced(int domid) {
        return locked(() -> introduced.contains(domid));
    }

    // ---- quotas ----------------------------------------------------------------------------------------------

    /** Sets a domain's quota (until it is released); existing holdings above it stay but cannot grow. */
    public void setQuota(int domid, StoreQuota quota) {
        locked(() -> quotas.put(domid, quota));
    }

    public StoreQuota quota(int domid) {
        return locked(() -> quotas.getOrDefault(domid, defaultQuota));
    }

    /** What a domain holds now (committed nodes and bytes, watches, open transactions). */
    public StoreUsage usage(int domid) {
        return locked(() -> new StoreUsage(ledger.nodes(domid), ledger.bytes(domid), watches.count(domid),
                transactions.count(domid)));
    }

    // ---- for ring connections --------------------------------------------------------------------------------

    void attach(StoreRingConnection connection) {
        locked(() -> connections.computeIfAbsent(connection.domid(), d -> new ArrayList<>()).add(connection));
    }

    /** A connection closed: its watches and the transactions it opened go. */
    void detach(StoreRingConnection connection, WatchSink sink, Set<Integer> transactionIds) {
        locked(() -> {
            List<StoreRingConnection> list = connections.get(connection.domid());
            if (list != null) {
                list.remove(connection);
            }
            watches.removeSink(sink);
            metrics.watches.set(watches.total());
            transactions.close(connection.domid(), transactionIds);
            metrics.transactions.set(transactions.size());
            return null;
        });
    }

    StoreMetrics metrics() {
        return metrics;
    }

    // ---- plumbing --------------------------------------------------------------------------------------------

    private <T> T call(String op, int caller, Supplier<T> body) {
        metrics.operation(op, caller);
        try {
            return locked(() -> {
                if (caller != 0 && !introduced.contains(caller)) {
                    throw new StoreException(Status.STATUS_ESRCH, "domain " + caller + " is not introduced");
                }
                return body.get();
            });
        } catch (StoreException e) {
            metrics.error(e.status(), caller);
            if (e.status() == Status.STATUS_EQUOTA && caller != 0) {
                quotaLog.log(caller + ":" + op, "store: " + op + " by domain " + caller + " refused: "
                        + e.getMessage());
            } else if (LOG.isDebugEnabled()) {
                LOG.debug("store: {} by domain {} failed: {}", op, caller, e.getMessage());
            }
            throw e;
        }
    }

    private <T> T locked(Supplier<T> body) {
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
            if (!lock.isHeldByCurrentThread()) {
                dispatcher.drain(); // never hand events to sinks while holding the lock
            }
        }
    }

    private TreeEditor editor(StoreNode from, UsageLedger usage, AccessLog log) {
        return new TreeEditor(from, () -> ++generation, usage, this::quotaLocked, log);
    }

    private StoreQuota quotaLocked(int domid) {
        return quotas.getOrDefault(domid, defaultQuota);
    }

    private <T> T query(int caller, int txId, Function<TreeEditor, T> q) {
        if (txId == 0) {
            return q.apply(editor(root, ledger.delta(), AccessLog.NONE));
        }
        Transaction tx = transactions.get(caller, txId);
        return q.apply(editor(tx.root(), tx.usage().delta(), tx));
    }

    private Void mutate(int caller, int txId, Mutation m) {
        if (txId == 0) {
            TreeEditor e = editor(root, ledger.delta(), AccessLog.NONE);
            m.applyTo(e);
            commit(e);
            return null;
        }
        Transaction tx = transactions.get(caller, txId);
        tx.checkRoom();
        TreeEditor e = editor(tx.root(), tx.usage().delta(), tx);
        m.applyTo(e);
        tx.applied(m, e);
        return null;
    }

    /** Installs an editor's result on the committed tree and queues the watch events of its changes. */
    private void commit(TreeEditor e) {
        root = e.root();
        e.usage().applyToBase();
        metrics.nodes.set((int) Math.min(Integer.MAX_VALUE, ledger.totalNodes()));
        for (Change c : e.changes()) {
            watches.eventsFor(c, dispatcher::enqueue);
        }
    }
}
