package io.splitvisor.core.store;

import com.google.protobuf.ByteString;
import io.splitvisor.abi.proto.Status;
import io.splitvisor.abi.proto.StoreAccess;
import io.splitvisor.abi.proto.StoreDirectoryListing;
import io.splitvisor.abi.proto.StorePermission;
import io.splitvisor.abi.proto.StorePermissions;
import io.splitvisor.abi.proto.StoreRequest;
import io.splitvisor.abi.proto.StoreResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Carries out one decoded {@link StoreRequest} of a guest against the {@link Store} and builds its
 * {@link StoreResponse} (echoing {@code req_id} and {@code tx_id}). Every failure becomes a status: a
 * {@link StoreException}'s own, and EIO for a bug (logged), so nothing a guest sends escapes as an exception.
 * A request whose op this version does not know (a newer guest) gets ENOSYS.
 */
final class StoreRequestHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StoreRequestHandler.class);

    private final Store store;

    StoreRequestHandler(Store store) {
        this.store = store;
    }

    StoreResponse handle(int domid, StoreRequest req, WatchSink sink) {
        StoreResponse.Builder rsp = StoreResponse.newBuilder().setReqId(req.getReqId()).setTxId(req.getTxId());
        try {
            execute(domid, req, sink, rsp);
            rsp.setStatus(Status.STATUS_OK);
        } catch (StoreException e) {
            rsp.clearResult().setStatus(e.status());
        } catch (RuntimeException e) {
            LOG.error("store: request {} of domain {} failed unexpectedly", req.getOpCase(), domid, e);
            rsp.clearResult().setStatus(Status.STATUS_EIO);
        }
        return rsp.build();
    }

    private void execute(int domid, StoreRequest req, WatchSink sink, StoreResponse.Builder rsp) {
        int tx = req.getTxId();
        switch (req.getOpCase()) {
            case READ -> rsp.setValue(ByteString.copyFrom(store.read(domid, tx, req.getRead().getPath())));
            case WRITE -> store.write(domid, tx, req.getWrite().getPath(), req.getWrite().getValue().toByteArray());
            case MKDIR -> store.mkdir(domid, tx, req.getMkdir().getPath());
            case REMOVE -> store.remove(domid, tx, req.getRemove().getPath());
            case DIRECTORY -> {
                DirectoryListing listing = store.directory(domid, tx, req.getDirectory().getPath());
                rsp.setListing(StoreDirectoryListing.newBuilder().addAllChildren(listing.children())
                        .setTruncated(listing.truncated()));
            }
            case GET_PERMS -> rsp.setPerms(toProto(store.getPerms(domid, tx, req.getGetPerms().getPath())));
            case SET_PERMS -> store.setPerms(domid, tx, req.getSetPerms().getPath(),
                    fromProto(req.getSetPerms().getPermsList()));
            case WATCH -> store.watch(domid, req.getWatch().getPath(), req.getWatch().getToken(), sink);
            case UNWATCH -> store.unwatch(domid, req.getUnwatch().getPath(), req.getUnwatch().getToken(), sink);
            case TRANSACTION_START -> rsp.setTransactionId(store.transactionStart(domid));
            case TRANSACTION_END -> store.transactionEnd(domid, tx, req.getTransactionEnd().getCommit());
            case OP_NOT_SET -> throw new StoreException(Status.STATUS_ENOSYS, "unknown store operation");
        }
    }

    static StorePermissions toProto(NodePermissions perms) {
        StorePermissions.Builder b = StorePermissions.newBuilder();
        for (Permission p : perms.entries()) {
            b.addPerms(StorePermission.newBuilder().setDomid(p.domid()).setAccess(toProto(p.access())));
        }
        return b.build();
    }

    static NodePermissions fromProto(List<StorePermission> list) {
        if (list.size() > NodePermissions.MAX_ENTRIES) {
            throw new StoreException(Status.STATUS_E2BIG, list.size() + " permission entries");
        }
        List<Permission> perms = new ArrayList<>(list.size());
        for (StorePermission p : list) {
            perms.add(new Permission(p.getDomid(), fromProto(p.getAccess())));
        }
        return NodePermissions.of(perms);
    }

    private static StoreAccess toProto(Access a) {
        return switch (a) {
            case NONE -> StoreAccess.STORE_ACCESS_NONE;
            case READ -> StoreAccess.STORE_ACCESS_READ;
            case WRITE -> StoreAccess.STORE_ACCESS_WRITE;
            case BOTH -> StoreAccess.STORE_ACCESS_BOTH;
        };
    }

    private static Access fromProto(StoreAccess a) {
        return switch (a) {
            case STORE_ACCESS_NONE -> Access.NONE;
            case STORE_ACCESS_READ -> Access.READ;
            case STORE_ACCESS_WRITE -> Access.WRITE;
            case STORE_ACCESS_BOTH -> Access.BOTH;
            case UNRECOGNIZED -> throw new StoreException(Status.STATUS_EINVAL, "unknown access value");
        };
    }
}
