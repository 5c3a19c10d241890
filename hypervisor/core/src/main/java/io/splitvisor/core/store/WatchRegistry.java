package io.splitvisor.core.store;

import io.splitvisor.abi.proto.Status;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The registered watches, indexed by path so that a change at depth d costs d lookups whatever the number of
 * watches. Decides who hears of a change: watches at or above the changed path, and for a removal also watches
 * below it; a guest only hears of nodes it may read (dom0 always). Not thread-safe (used under the store lock).
 */
final class WatchRegistry {
    private final TreeMap<String, List<Watch>> byPath = new TreeMap<>();
    private final Map<Integer, Integer> countByDomain = new HashMap<>();
    private int total;

    int count(int domid) {
        return countByDomain.getOrDefault(domid, 0);
    }

    int total() {
        return total;
    }

    /** Registers a watch; EEXIST if the same sink already watches that path with that token. */
    void add(Watch watch) {
        List<Watch> list = byPath.computeIfAbsent(watch.path(), p -> new ArrayList<>(1));
        for (Watch w : list) {
            if (w.sameAs(watch.domid(), watch.path(), watch.token(), watch.sink())) {
                throw new StoreException(Status.STATUS_EEXIST, "watch " + watch.path() + " " + watch.token());
            }
        }
        list.add(watch);
        countByDomain.merge(watch.domid(), 1, Integer::sum);
        total++;
    }

    /** Removes a watch; ENOENT if there is none. */
    void remove(int domid, String path, String token, WatchSink sink) {
        List<Watch> list = byPath.get(path);
        if (list != null && list.removeIf(w -> w.sameAs(domid, path, token, sink))) {
            if (list.isEmpty()) {
                byPath.remove(path);
            }
            forget(domid, 1);
            return;
        }
        throw new StoreException(Status.STATUS_ENOENT, "no watch " + path + " " + token);
    }

    /** Removes every watch of a domain (it is being released). */
    void removeDomain(int domid) {
        removeWhere(w -> w.domid() == domid);
    }

    /** Removes every watch delivered to a sink (its connection closed). */
    void removeSink(WatchSink sink) {
        removeWhere(w -> w.sink() == sink);
    }

    private void removeWhere(java.util.function.Predicate<Watch> doomed) {
        for (Iterator<List<Watch>> it = byPath.values().iterator(); it.hasNext(); ) {
            List<Watch> list = it.next();
            for (Iterator<Watch> wi = list.iterator(); wi.hasNext(); ) {
                Watch w = wi.next();
                if (doomed.test(w)) {
                    wi.remove();
                    forget(w.domid(), 1);
                }
            }
            if (list.isEmpty()) {
                it.remove();
            }
        }
    }

    private void forget(int domid, int n) {
        countByDomain.computeIfPresent(domid, (d, c) -> c - n == 0 ? null : c - n);
        total -= n;
    }

    /** The events a change causes, in a stable order. */
    void eventsFor(Change change, Consumer<WatchEvent> out) {
        String path = change.path();
        // Watches at the changed path and above it.
        String p = path;
        while (true) {
            deliver(byPath.get(p), path, change.perms(), out);
            if (p.equals(StorePaths.ROOT)) {
                break;
            }
            p = StorePaths.parent(p);
        }
        if (change.removed() == null) {
            return;
        }
        // Watches strictly below a removed node fire with their own path.
        String from = path + "/";
        String to = path + "0"; // '0' follows '/' in ASCII: the range holds exactly the paths below
        for (var e : byPath.subMap(from, true, to, false).entrySet()) {
            StoreNode gone = NodeTree.lookup(change.removed(), "/" + e.getKey().substring(from.length()));
            NodePermissions perms = gone != null ? gone.perms() : change.perms();
            deliver(e.getValue(), e.getKey(), perms, out);
        }
    }

    /** Events for a special path ({@code @introduceDomain}, {@code @releaseDomain}) guarded by its permissions. */
    void specialEvent(String special, NodePermissions perms, Consumer<WatchEvent> out) {
        deliver(byPath.get(special), special, perms, out);
    }

    private static void deliver(List<Watch> watches, String path, NodePermissions perms,
                                Consumer<WatchEvent> out) {
        if (watches == null) {
            return;
        }
        for (Watch w : watches) {
            if (w.domid() == 0 || perms.canRead(w.domid())) {
                out.accept(new WatchEvent(w.sink(), w.report(path), w.token()));
            }
        }
    }
}
