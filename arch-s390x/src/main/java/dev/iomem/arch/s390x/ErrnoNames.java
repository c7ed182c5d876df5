package dev.iomem.arch.s390x;

/**
 * Names of the Linux {@code errno} values the zPCI system calls can return
 * ({@code include/uapi/asm-generic/errno-base.h}, {@code errno.h}; the same numbers on s390x).
 */
final class ErrnoNames {

    private ErrnoNames() {
    }

    /**
     * {@return the errno as {@code NAME (number)}, for example {@code EIO (5)}; unknown values as
     * {@code errno N}}
     *
     * @param errno a positive errno value
     */
    static String describe(int errno) {
        String name = switch (errno) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 5 -> "EIO";
            case 6 -> "ENXIO";
            case 12 -> "ENOMEM";
            case 13 -> "EACCES";
            case 14 -> "EFAULT";
            case 19 -> "ENODEV";
            case 22 -> "EINVAL";
            case 38 -> "ENOSYS";
            case 95 -> "EOPNOTSUPP";
            default -> null;
        };
        return name == null ? "errno " + errno : name + " (" + errno + ")";
    }
}
