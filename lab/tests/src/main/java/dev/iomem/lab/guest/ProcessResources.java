package dev.iomem.lab.guest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What this process holds that a failed or closed VFIO operation must give back: its open file
 * descriptors ({@code /proc/self/fd}, the listing's own descriptor not counted) and its locked
 * memory ({@code VmLck} of {@code /proc/self/status}).
 *
 * @param openFiles   the number of open file descriptors
 * @param lockedBytes the locked memory in bytes
 */
record ProcessResources(long openFiles, long lockedBytes) {

    static ProcessResources now() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            long open = fds.count() - 1;
            long locked = 0;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmLck:")) {
                    locked = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return new ProcessResources(open, locked);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
