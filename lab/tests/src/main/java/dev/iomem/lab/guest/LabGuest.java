package dev.iomem.lab.guest;

import dev.iomem.api.pci.PciAddress;
import dev.iomem.cli.Main;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a lab guest is: its architecture, whether it booted with an IOMMU, its emulated PCI
 * functions, and where its results go. Every lab suite starts here.
 */
public final class LabGuest {

    /** QEMU's NVMe controller: Red Hat's vendor id and QEMU's NVMe device id. */
    public static final String NVME_ID = "0x1b36:0x0010";
    /** QEMU's {@code edu} device (docs/specs/edu.rst). */
    public static final String EDU_ID = "0x1234:0x11e8";
    /** QEMU's NVMe controller puts its controller memory buffer in BAR 2 (hw/nvme/nvme.h, NVME_CMB_BIR). */
    public static final int CMB_BAR = 2;

    private static final Path SYSFS = Path.of("/sys/bus/pci/devices");
    private static final Path RESULTS = Path.of(System.getProperty("lab.results", "/results"));
    private static final Path CONF = Path.of("/lab/lab.conf");

    private LabGuest() {
    }

    /** {@return the lab's name of this guest's architecture: x86_64, aarch64 or s390x} */
    public static String arch() {
        String a = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (a) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> a;
        };
    }

    /** {@return whether this JVM runs inside a lab guest (its /lab/lab.conf exists)} */
    public static boolean inGuest() {
        return Files.isRegularFile(CONF);
    }

    /** {@return whether the guest booted with an IOMMU, from /lab/lab.conf} */
    public static boolean iommu() {
        try {
            return inGuest() && Files.readString(CONF).contains("iommu=yes");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return whether QEMU gave this architecture an edu device (its s390x build has none)} */
    public static boolean hasEdu() {
        return !arch().equals("s390x");
    }

    /**
     * {@return the first PCI function with these ids}
     *
     * @param ids {@code vendor:device} as sysfs prints them, e.g. {@link #NVME_ID}
     */
    public static Optional<PciAddress> function(String ids) {
        try (Stream<Path> s = Files.list(SYSFS)) {
            return s.sorted().filter(d -> ids.equals(read(d.resolve("vendor")) + ":" + read(d.resolve("device"))))
                    .map(d -> PciAddress.parse(d.getFileName().toString())).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@return the edu behind the x86-64 --iommu run's PCI bridge (bus 1), which shares its IOMMU group
     * with a serial port (lab/lib/guest.sh), if this guest has it}
     */
    public static Optional<PciAddress> sharedGroupEdu() {
        try (Stream<Path> s = Files.list(SYSFS)) {
            return s.sorted().filter(d -> d.getFileName().toString().startsWith("0000:01:"))
                    .filter(d -> EDU_ID.equals(read(d.resolve("vendor")) + ":" + read(d.resolve("device"))))
                    .map(d -> PciAddress.parse(d.getFileName().toString())).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return the NVMe controller's address; fails if there is none} */
    public static PciAddress nvme() {
        return function(NVME_ID).orElseThrow(() -> new AssertionError("no NVMe controller (" + NVME_ID + ") in " + SYSFS));
    }

    /** {@return edu's address; fails if there is none} */
    public static PciAddress edu() {
        return function(EDU_ID).orElseThrow(() -> new AssertionError("no edu device (" + EDU_ID + ") in " + SYSFS));
    }

    /** {@return the sysfs directory of a function} */
    public static Path sysfs(PciAddress address) {
        return SYSFS.resolve(address.toString());
    }

    /** {@return the results directory the host gets back} */
    public static Path results() {
        try {
            return Files.createDirectories(RESULTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return a sysfs attribute, trimmed} */
    public static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What one in-process run of the {@code iomem} command printed. */
    public record CliRun(int exit, String out, String err) {
    }

    /**
     * Runs the {@code iomem} command in this JVM, as {@code ./iomem ARGS} would.
     *
     * @param args its arguments
     * @return its exit code and output
     */
    public static CliRun iomem(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }
}
