package dev.iomem.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A fixture {@code /sys/bus/pci} for the VFIO commands: {@code devices/ADDR} directories (plain
 * directories, not links), each with a {@code driver} link to {@code ../../drivers/NAME}, an
 * {@code iommu_group} link and a {@code driver_override} file; {@code drivers/nvme} and
 * {@code drivers/vfio-pci} with {@code bind} and {@code unbind} files; and {@code drivers_probe}.
 * Every attribute is a plain file, so that a write can be read back; {@link #kernel} turns the
 * ones a binding writes into named pipes served by a thread that acts as the kernel would.
 */
final class VfioFixture {

    final Path bus;
    final Path devices;

    VfioFixture(Path dir) throws IOException {
        this.bus = dir.resolve("sys/bus/pci");
        this.devices = bus.resolve("devices");
        Files.createDirectories(devices);
        for (String driver : List.of("nvme", "vfio-pci")) {
            Path d = Files.createDirectories(bus.resolve("drivers").resolve(driver));
            Files.writeString(d.resolve("bind"), "");
            Files.writeString(d.resolve("unbind"), "");
        }
        Files.writeString(bus.resolve("drivers_probe"), "");
    }

    /**
     * Adds a function.
     *
     * @param address its address
     * @param driver  its driver ({@code nvme}, {@code vfio-pci}), or {@code null} for none
     * @param group   its IOMMU group, or -1 for none
     * @return its directory
     */
    Path function(String address, String driver, int group) throws IOException {
        Path d = Files.createDirectories(devices.resolve(address));
        Files.writeString(d.resolve("driver_override"), "");
        if (driver != null) {
            Files.createSymbolicLink(d.resolve("driver"), Path.of("../../drivers").resolve(driver));
        }
        if (group >= 0) {
            Path g = Files.createDirectories(bus.resolve("../../kernel/iommu_groups").normalize().resolve(Integer.toString(group)).resolve("devices"));
            Files.createSymbolicLink(d.resolve("iommu_group"), Path.of("../../../../kernel/iommu_groups").resolve(Integer.toString(group)));
            Files.createSymbolicLink(g.resolve(address), Path.of("../../../../bus/pci/devices").resolve(address));
        }
        return d;
    }

    /** {@return the --sysfs option for this tree} */
    String[] options() {
        return new String[] {"--sysfs", devices.toString()};
    }

    /** {@return the driver link's target, or "none"} */
    String driverLink(String address) throws IOException {
        Path link = devices.resolve(address).resolve("driver");
        return Files.isSymbolicLink(link) ? Files.readSymbolicLink(link).toString() : "none";
    }

    /** {@return every file's content and every link's target under the tree, by path} */
    Map<String, String> snapshot() throws IOException {
        Path top = bus.resolve("../..").normalize();
        Map<String, String> all = new TreeMap<>();
        try (Stream<Path> s = Files.walk(top)) {
            for (Path p : s.toList()) {
                String key = top.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    all.put(key, "-> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    all.put(key, Files.readString(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    all.put(key, "dir");
                } else {
                    all.put(key, "other");
                }
            }
        }
        return all;
    }

    /** One write the simulated kernel received: the file (relative to the bus directory) and the text. */
    record Write(String file, String text) {
    }

    /** What the simulated kernel does after one write, before it accepts the next. */
    @FunctionalInterface
    interface Reaction {
        void run() throws IOException;
    }

    /**
     * Replaces {@code files} (relative to the bus directory) by named pipes and serves them in
     * order from a daemon thread, as the kernel would: it takes each write whole, then runs the
     * reaction before it opens the next pipe. A writer blocks in {@code open} until the thread
     * opens that pipe, so whatever the reaction changes (the driver link) is in place before the
     * writer's next step.
     *
     * @return the writes, in order, once all have come
     */
    CompletableFuture<List<Write>> kernel(List<String> files, List<Reaction> reactions) throws IOException, InterruptedException {
        for (String f : files) {
            Path p = bus.resolve(f);
            Files.deleteIfExists(p);
            Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
            if (mk.waitFor() != 0) {
                throw new IOException("mkfifo " + p + " failed");
            }
        }
        CompletableFuture<List<Write>> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            List<Write> writes = new ArrayList<>();
            try {
                for (int i = 0; i < files.size(); i++) {
                    try (InputStream in = Files.newInputStream(bus.resolve(files.get(i)))) {
                        writes.add(new Write(files.get(i), new String(in.readAllBytes(), StandardCharsets.US_ASCII)));
                    }
                    reactions.get(i).run();
                }
                done.complete(writes);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e instanceof IOException io ? new UncheckedIOException(io) : e);
            }
        }, "simulated-kernel");
        t.setDaemon(true);
        t.start();
        return done;
    }

    /** {@return a reaction that points the function's driver link at {@code driver}, or removes it for {@code null}} */
    Reaction relink(String address, String driver) {
        return () -> {
            Path link = devices.resolve(address).resolve("driver");
            Files.deleteIfExists(link);
            if (driver != null) {
                Files.createSymbolicLink(link, Path.of("../../drivers").resolve(driver));
            }
        };
    }

    static Reaction nothing() {
        return () -> { };
    }
}
