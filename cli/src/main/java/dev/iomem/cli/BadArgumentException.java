package dev.iomem.cli;

/**
 * An argument that parsed but is not acceptable (a malformed PCI address, a BAR index above 5,
 * a width that is not 8, 16, 32 or 64): the command prints its message as one line and exits 2,
 * the usage-error code, without picocli's full usage text.
 */
final class BadArgumentException extends IllegalArgumentException {

    /**
     * Creates the exception.
     *
     * @param message what is wrong with which argument
     */
    BadArgumentException(String message) {
        super(message);
    }
}
