package dev.iomem.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A class loader over the jars of a plugin directory ({@code --plugins DIR}).
 */
final class PluginJars {

    private PluginJars() {
    }

    /**
     * {@return a loader that adds every {@code *.jar} in {@code dir} to this tool's own loader,
     * or this tool's loader if {@code dir} is null}
     *
     * @param dir the plugin directory, or {@code null}
     * @throws IllegalArgumentException if {@code dir} is not a readable directory, holds no jar,
     *                                  or holds a {@code .jar} that is not a readable jar (which
     *                                  the class loader would otherwise skip without a word)
     */
    static ClassLoader loader(Path dir) {
        ClassLoader base = PluginJars.class.getClassLoader();
        if (dir == null) {
            return base;
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--plugins " + dir + ": not a directory");
        }
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                if (p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)) {
                    checkReadable(dir, p);
                    jars.add(p.toUri().toURL());
                }
            }
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("--plugins " + dir + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("--plugins " + dir + ": cannot list: " + e.getMessage(), e);
        }
        if (jars.isEmpty()) {
            throw new IllegalArgumentException("--plugins " + dir + ": no .jar files in it");
        }
        return new URLClassLoader("iomem-plugins", jars.toArray(URL[]::new), base);
    }

    private static void checkReadable(Path dir, Path jar) {
        try (JarFile ignored = new JarFile(jar.toFile())) {
            // opened: its central directory is readable
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("--plugins " + dir + ": " + jar.getFileName() + " is not a readable jar ("
                    + OneLineErrors.oneLine(e) + ")", e);
        }
    }
}
