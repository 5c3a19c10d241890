package io.splitvisor.frontend.blk;

import io.splitvisor.frontend.FrontendException;

/** A block request answered with an error status (BLKIF_RSP_ERROR -1, EOPNOTSUPP -2). */
public final class BlockIoException extends FrontendException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public BlockIoException(String message, int status) {
        super(message + " (status " + status + ")");
        this.status = status;
    }

    public int status() {
        return status;
    }
}
