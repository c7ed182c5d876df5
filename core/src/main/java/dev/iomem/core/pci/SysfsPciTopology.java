package dev.iomem.core.pci;

import dev.iomem.api.pci.Bar;
import dev.iomem.api.pci.P2pRoute;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.api.pci.PciDevice;
import dev.iomem.api.pci.PciTopology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The PCI functions of this machine as sysfs shows them, read once when the topology is opened,
 * and the peer-to-peer routes between them ({@link P2pRouter}).
 *
 * <p>For each function it reads {@code vendor}, {@code device}, {@code class}, the
 * {@code driver} and {@code iommu_group} links, {@code numa_node}, {@code resource} (the BARs
 * in CPU addresses), {@code config} (the BAR registers in bus addresses, the PCIe port type and
 * ACS) and the canonical device path, whose components are the upstream bridges and the host
 * bridge. Entries of the root directory that are not a valid PCI address in canonical form (for
 * example VMD's five-digit domains) are skipped and listed by {@link #ignoredEntries()}.
 *
 * <pre>{@code
 * SysfsPciTopology pci = SysfsPciTopology.system();
 * P2pRoute r = pci.route(PciAddress.parse("0000:01:00.0"), PciAddress.parse("0000:02:00.0"));
 * long bus = pci.busAddress(PciAddress.parse("0000:01:00.0"), 2);   // for PCI_BUS DMA tables
 * }</pre>
 */
public final class SysfsPciTopology implements PciTopology {

    /** Where the kernel lists PCI functions. */
    public static final Path DEFAULT_ROOT = Path.of("/sys/bus/pci/devices");
    /** Where the kernel describes the CPUs. */
    public static final Path DEFAULT_CPUINFO = Path.of("/proc/cpuinfo");

    private final Path root;
    private final CpuInfo cpu;
    private final Map<PciAddress, SysfsFunction> functions;
    private final List<String> ignored;
    private final P2pRouter router;

    private SysfsPciTopology(Path root, CpuInfo cpu, Map<PciAddress, SysfsFunction> functions, List<String> ignored,
                             HostBridgeWhitelist whitelist) {
        this.root = root;
        this.cpu = cpu;
        this.functions = functions;
        this.ignored = List.copyOf(ignored);
        this.router = new P2pRouter(functions, cpu, whitelist);
    }

    /**
     * {@return the topology of this machine: {@code /sys/bus/pci/devices} and {@code /proc/cpuinfo}}
     *
     * @throws UncheckedIOException        if the directory or a function's file cannot be read
     * @throws MalformedSysfsFileException if a file's content is not what the kernel writes
     */
    public static SysfsPciTopology system() {
        return open(DEFAULT_ROOT, DEFAULT_CPUINFO);
    }

    /**
     * Reads the topology under another root, such as a fixture tree in a test, with the kernel's
     * host bridge whitelist.
     *
     * @param root    a directory laid out like {@code /sys/bus/pci/devices}: links named
     *                {@code dddd:bb:dd.f} to the functions' directories in a
     *                {@code devices/pciDDDD:BB/...} tree
     * @param cpuinfo a file laid out like {@code /proc/cpuinfo}; missing means an unknown CPU
     * @return the topology
     * @throws NullPointerException        if an argument is {@code null}
     * @throws UncheckedIOException        if {@code root} is not a readable directory or a
     *                                     function's file cannot be read
     * @throws MalformedSysfsFileException if a file's content is not what the kernel writes
     */
    public static SysfsPciTopology open(Path root, Path cpuinfo) {
        return open(root, cpuinfo, HostBridgeWhitelist.kernel());
    }

    /**
     * Reads the topology with another host bridge whitelist.
     *
     * @param root      as for {@link #open(Path, Path)}
     * @param cpuinfo   as for {@link #open(Path, Path)}
     * @param whitelist the host bridges allowed to route peer-to-peer traffic
     * @return the topology
     * @throws NullPointerException        if an argument is {@code null}
     * @throws UncheckedIOException        if {@code root} is not a readable directory or a
     *                                     function's file cannot be read
     * @throws MalformedSysfsFileException if a file's content is not what the kernel writes
     */
    public static SysfsPciTopology open(Path root, Path cpuinfo, HostBridgeWhitelist whitelist) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(cpuinfo, "cpuinfo");
        Objects.requireNonNull(whitelist, "whitelist");
        if (!Files.isDirectory(root)) {
            String message = root + ": not a directory of PCI functions";
            throw new UncheckedIOException(message, new IOException(message));
        }
        List<String> ignored = new ArrayList<>();
        List<PciAddress> addresses = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            for (Path e : entries.toList()) {
                String name = e.getFileName().toString();
                PciAddress a = canonicalAddress(name);
                if (a == null) {
                    ignored.add(AttributeFileParser.printable(name));
                } else {
                    addresses.add(a);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": cannot list: " + e.getMessage(), e);
        }
        SysfsFunctionReader reader = new SysfsFunctionReader(root);
        Map<PciAddress, SysfsFunction> functions = new TreeMap<>();
        for (PciAddress a : addresses) {
            functions.put(a, reader.read(a));
        }
        ignored.sort(null);
        return new SysfsPciTopology(root, CpuInfo.read(cpuinfo), functions, ignored, whitelist);
    }

    /** {@return the address if {@code name} is exactly its canonical form, else null} */
    private static PciAddress canonicalAddress(String name) {
        if (name.length() != 12) {
            return null;
        }
        try {
            PciAddress a = PciAddress.parse(name);
            return a.toString().equals(name) ? a : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@return the directory the functions were read from} */
    public Path root() {
        return root;
    }

    /** {@return the CPU facts the routing rules use} */
    public CpuInfo cpu() {
        return cpu;
    }

    /** {@return names in the root directory that are not canonical PCI addresses, sorted} */
    public List<String> ignoredEntries() {
        return ignored;
    }

    /**
     * {@return the function's sysfs directory: the root resolved with the canonical address}
     *
     * @param address the function
     * @throws NullPointerException if {@code address} is {@code null}
     */
    public Path functionDirectory(PciAddress address) {
        return root.resolve(Objects.requireNonNull(address, "address").toString());
    }

    @Override
    public List<PciDevice> devices() {
        return functions.values().stream().map(SysfsFunction::device).toList();
    }

    @Override
    public Optional<PciDevice> device(PciAddress address) {
        Objects.requireNonNull(address, "address");
        return Optional.ofNullable(functions.get(address)).map(SysfsFunction::device);
    }

    /**
     * {@return the function with its configuration space}
     *
     * @param address the function
     * @throws NullPointerException     if {@code address} is {@code null}
     * @throws IllegalArgumentException if there is no such function
     */
    public SysfsFunction function(PciAddress address) {
        Objects.requireNonNull(address, "address");
        SysfsFunction f = functions.get(address);
        if (f == null) {
            throw new IllegalArgumentException("no PCI function " + address + " under " + root);
        }
        return f;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Decided once per (provider, client) pair and cached.
     */
    @Override
    public P2pRoute route(PciAddress provider, PciAddress client) {
        return router.route(provider, client);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Read from the BAR register(s) in configuration space, which hold bus addresses, where
     * {@code resource} holds CPU addresses.
     */
    @Override
    public long busAddress(PciAddress address, int bar) {
        Bar b = barOf(address, bar);
        SysfsFunction f = function(address);
        OptionalLong bus = f.config().busAddress(bar);
        if (bus.isEmpty()) {
            throw new IllegalStateException(address + " BAR " + bar + ": its bus address cannot be read from configuration space ("
                    + (bar >= f.config().barCount() ? "header type " + f.config().headerType() + " has " + f.config().barCount() + " BAR registers"
                    : "the BAR register reads 0, as an SR-IOV virtual function's do") + ")");
        }
        if (b.isIo() != ((f.config().barRegister(bar) & 1) != 0)) {
            throw new IllegalStateException(address + " BAR " + bar + ": resource says " + (b.isIo() ? "I/O" : "memory")
                    + " but the BAR register says otherwise; the bus address would be wrong");
        }
        return bus.getAsLong();
    }

    private Bar barOf(PciAddress address, int bar) {
        Objects.requireNonNull(address, "address");
        return function(address).device().bar(bar);
    }
}
