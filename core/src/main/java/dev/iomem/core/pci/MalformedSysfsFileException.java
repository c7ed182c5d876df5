package dev.iomem.core.pci;

import java.util.Objects;

/**
 * A sysfs or procfs file whose content is not what the kernel writes there: truncated, not
 * hex, out of range, or of the wrong length. The message names the file and what is wrong.
 */
public final class MalformedSysfsFileException extends IllegalArgumentException {

    /** The file that is malformed. */
    private final String file;

    /**
     * Creates the exception.
     *
     * @param file the file, as it should appear in the message (a path or a name)
     * @param why  what is wrong with it
     * @throws NullPointerException if an argument is {@code null}
     */
    public MalformedSysfsFileException(String file, String why) {
        super(Objects.requireNonNull(file, "file") + ": " + Objects.requireNonNull(why, "why"));
        this.file = file;
    }

    /** {@return the file that is malformed, as given} */
    public String file() {
        return file;
    }
}
