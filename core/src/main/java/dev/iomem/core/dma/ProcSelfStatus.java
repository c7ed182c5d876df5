package dev.iomem.core.dma;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What {@code /proc/self/status} says about this process's locked memory and capabilities. */
final class ProcSelfStatus {

    /** CAP_IPC_LOCK (uapi/linux/capability.h): mlock beyond RLIMIT_MEMLOCK. */
    static final int CAP_IPC_LOCK = 14;
    /** CAP_SYS_ADMIN (uapi/linux/capability.h): pagemap shows PFNs (fs/proc/task_mmu.c). */
    static final int CAP_SYS_ADMIN = 21;

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcSelfStatus() {
    }

    private static List<String> lines() {
        try {
            return Files.readAllLines(STATUS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STATUS + ": " + e.getMessage(), e);
        }
    }

    private static String field(String name) {
        for (String line : lines()) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).strip();
            }
        }
        return null;
    }

    /**
     * {@return the bytes this process has locked ({@code VmLck})}
     *
     * @throws UncheckedIOException if the file cannot be read
     */
    static long lockedBytes() {
        String v = field("VmLck");
        if (v == null) {
            return 0;
        }
        return Long.parseLong(v.replace("kB", "").strip()) * 1024;
    }

    /**
     * {@return whether the capability is in this process's effective set; {@code true} if the
     * file does not say (then the kernel's answer decides)}
     *
     * @param capability the capability's number
     */
    static boolean hasEffective(int capability) {
        try {
            String v = field("CapEff");
            return v == null || ((Long.parseUnsignedLong(v, 16) >>> capability) & 1) != 0;
        } catch (UncheckedIOException | NumberFormatException e) {
            return true;
        }
    }
}
