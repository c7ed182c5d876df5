package dev.iomem.cli;

import dev.iomem.api.pci.PciDevice;
import dev.iomem.core.pci.SysfsPciTopology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code iomem devices}: the machine's PCI functions, {@code lspci}-like: address, ids, class,
 * driver, IOMMU group, NUMA node, the path from the host bridge, each BAR with its size and
 * flags, and the ACS state.
 */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = {"List the PCI functions sysfs shows: address, class, vendor:device, driver, IOMMU group, NUMA node, "
                + "the bridges above each, every BAR with its CPU range, size, flags and bus address, and ACS.",
            "BAR start, end and flags are printed exactly as sysfs resource prints them."})
final class DevicesCommand extends IomemSubcommand {

    @Mixin
    SysfsOptions sysfs;

    @Override
    protected int run() {
        SysfsPciTopology t = sysfs.topology();
        PrintWriter w = spec.commandLine().getOut();
        List<PciDevice> devices = t.devices();
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("root", t.root().toString());
            out.put("devices", devices.stream().map(d -> PciDescription.of(t.function(d.address()))).toList());
            out.put("ignoredEntries", t.ignoredEntries());
            w.println(JsonText.of(out));
        } else {
            for (PciDevice d : devices) {
                PciDescription.lines(t.function(d.address())).forEach(w::println);
            }
            if (devices.isEmpty()) {
                w.println("no PCI functions under " + t.root());
            }
            if (!t.ignoredEntries().isEmpty()) {
                w.println("ignored (not canonical PCI addresses): " + String.join(", ", t.ignoredEntries()));
            }
        }
        w.flush();
        return 0;
    }
}
