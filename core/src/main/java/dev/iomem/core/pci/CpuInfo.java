package dev.iomem.core.pci;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The CPU facts the kernel's peer-to-peer rules use: the vendor and family of the first CPU, as
 * {@code /proc/cpuinfo} shows them ({@code vendor_id} and {@code cpu family}, x86 only).
 *
 * @param vendor the {@code vendor_id}, such as {@code AuthenticAMD}; empty if there is none
 *               (not x86, or the file was missing)
 * @param family the decimal {@code cpu family}, or -1 if there is none
 * @param source where the facts came from, for messages
 */
public record CpuInfo(String vendor, int family, String source) {

    /** The {@code vendor_id} of AMD CPUs. */
    public static final String AMD = "AuthenticAMD";
    /** The first Zen family: the kernel's {@code cpu_supports_p2pdma()} allows AMD from here on. */
    public static final int ZEN_FAMILY = 0x17;
    /** How much of a cpuinfo file is read: the first CPU's block is a few KiB. */
    private static final int MAX_READ_BYTES = 1 << 20;

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException if {@code vendor} or {@code source} is {@code null}
     */
    public CpuInfo {
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(source, "source");
    }

    /**
     * {@return whether the kernel's {@code cpu_supports_p2pdma()} (drivers/pci/p2pdma.c) holds:
     * "Any AMD CPU whose family ID is Zen or newer supports p2pdma"}
     */
    public boolean supportsP2pThroughHostBridge() {
        return AMD.equals(vendor) && family >= ZEN_FAMILY;
    }

    /** {@return for example {@code "AuthenticAMD family 0x19"}, or a note that it is unknown} */
    public String describe() {
        if (vendor.isEmpty()) {
            return "CPU vendor unknown (" + source + " has no vendor_id)";
        }
        return vendor + (family >= 0 ? " family 0x" + Integer.toHexString(family) : " (no cpu family)");
    }

    /**
     * Reads the first MiB of a cpuinfo file. A missing file gives an unknown CPU (the AMD rule
     * then does not apply).
     *
     * @param file the file, normally {@code /proc/cpuinfo}
     * @return the CPU facts
     * @throws NullPointerException        if {@code file} is {@code null}
     * @throws UncheckedIOException        if the file exists but cannot be read
     * @throws MalformedSysfsFileException if its {@code cpu family} is not a decimal number
     */
    public static CpuInfo read(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        // Only the first CPU's block is parsed: a bounded prefix, so that a file without end
        // (--cpuinfo /dev/zero) cannot exhaust the heap.
        try (InputStream in = Files.newInputStream(file)) {
            text = new String(in.readNBytes(MAX_READ_BYTES), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return new CpuInfo("", -1, file + " (missing)");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(file.toString(), text);
    }

    /**
     * Parses the first CPU's block of cpuinfo text (up to the first empty line).
     *
     * @param file the file's name, for messages and {@link #source()}
     * @param text the content
     * @return the CPU facts
     * @throws NullPointerException        if an argument is {@code null}
     * @throws MalformedSysfsFileException if {@code cpu family} is present but not 1 to 9 decimal digits
     */
    public static CpuInfo parse(String file, String text) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(text, "text");
        String vendor = "";
        int family = -1;
        for (String line : text.split("\n", -1)) {
            if (line.isBlank()) {
                if (!vendor.isEmpty() || family >= 0) {
                    break;
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (key.equals("vendor_id") && vendor.isEmpty()) {
                vendor = AttributeFileParser.printable(value);
            } else if (key.equals("cpu family") && family < 0) {
                if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new MalformedSysfsFileException(file, "cpu family \"" + AttributeFileParser.printable(value) + "\" is not a decimal number");
                }
                family = Integer.parseInt(value);
            }
        }
        return new CpuInfo(vendor, family, file);
    }
}
