package dev.iomem.core.catalogue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a refused call must leave as it was: this process's locked memory (VmLck), its mappings
 * of files under a directory ({@code /proc/self/maps}), and the bytes of every file under it.
 *
 * @param lockedKib     VmLck of /proc/self/status in KiB
 * @param fileMappings  the lines of /proc/self/maps that name a file under the directory
 * @param filesDigest   SHA-256 over the names and contents of every regular file under it
 */
record ProcessFootprint(long lockedKib, List<String> fileMappings, String filesDigest) {

    static ProcessFootprint of(Path dir) {
        try {
            long locked = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmLck:"))
                    .mapToLong(l -> Long.parseLong(l.substring(6).replace("kB", "").strip()))
                    .findFirst().orElseThrow();
            String prefix = dir.toRealPath().toString();
            List<String> maps = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .filter(l -> l.contains(prefix)).sorted().toList();
            return new ProcessFootprint(locked, maps, digest(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String digest(Path dir) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
                sha.update(dir.relativize(f).toString().getBytes());
                sha.update(Files.readAllBytes(f));
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
