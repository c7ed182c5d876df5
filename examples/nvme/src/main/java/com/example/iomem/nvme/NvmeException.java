package com.example.iomem.nvme;

/** Why the driver stopped: each bad state has its own kind, and the message says what was seen. */
public final class NvmeException extends RuntimeException {

    /** The bad states the driver recognises. */
    public enum Kind {
        /** CSTS.CFS: the controller reported a fatal status. */
        CONTROLLER_FATAL,
        /** CSTS.RDY, CSTS.SHST or a completion did not come within its time. */
        TIMEOUT,
        /** A command completed with a status other than success. */
        COMMAND_STATUS,
        /** The namespace is smaller than the block test asked for. */
        NAMESPACE_TOO_SMALL,
        /** The controller cannot be driven as this driver needs (page size, command set, queue size). */
        UNSUPPORTED
    }

    private final Kind kind;

    public NvmeException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** {@return the bad state} */
    public Kind kind() {
        return kind;
    }
}
