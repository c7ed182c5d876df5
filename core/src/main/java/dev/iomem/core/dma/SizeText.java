package dev.iomem.core.dma;

import dev.iomem.core.linux.Libc;

/** Byte counts as people read them in error messages: {@code 8 MiB}, {@code 12 KiB}, {@code 100 bytes}. */
final class SizeText {

    private SizeText() {
    }

    /** {@return {@code bytes} in the largest binary unit that divides it, else in bytes} */
    static String of(long bytes) {
        if (bytes == Libc.RLIM_INFINITY) {
            return "unlimited";
        }
        String[] units = {"GiB", "MiB", "KiB"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit && bytes % unit == 0) {
                return (bytes >> shifts[i]) + " " + units[i];
            }
        }
        return bytes + (bytes == 1 ? " byte" : " bytes");
    }
}
