package dev.iomem.cli;

import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.vfio.VfioBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code iomem vfio bind ADDR [--force]}: binds a PCI function to vfio-pci through
 * {@link VfioBinding}, as {@code dpdk-devbind} does: {@code driver_override}, unbind from the
 * current driver, {@code drivers_probe}. A function bound to another driver is refused unless
 * {@code --force}, and then nothing is written. The address is checked before any file is read.
 */
@Command(name = "bind", mixinStandardHelpOptions = true,
        description = {"Bind PCI function ADDR to vfio-pci: write vfio-pci to its driver_override, unbind it from its "
                + "driver, and write ADDR to drivers_probe (as dpdk-devbind does). Needs root and the vfio-pci module.",
            "A function in use by another driver (a disk, a network interface) is refused unless --force; nothing is "
                + "written then. Binding a function already bound to vfio-pci changes nothing.",
            "VFIO opens a function only when every device in its IOMMU group has no driver or vfio-pci, pci-stub or "
                + "pcieport: the group's other devices are listed, and those that would stop it named."})
final class VfioBindCommand extends IomemSubcommand {

    @Mixin
    VfioSysfsOption sysfs;

    @Parameters(paramLabel = "ADDR", description = "The function (dddd:bb:dd.f).")
    String addressText;

    @Option(names = "--force", description = "Take the function from the driver it is bound to.")
    boolean force;

    @Override
    protected int run() {
        PciAddress address = VfioInfoCommand.address(addressText);
        VfioBinding binding = new VfioBinding(sysfs.pciBus());
        Optional<String> before = binding.driver(address);
        boolean changed = before.isEmpty() || !before.get().equals(VfioBinding.VFIO_PCI);
        if (changed) {
            binding.bind(address, force);
        }
        Optional<Integer> group = VfioGroups.group(sysfs.pciDevices(), address);
        List<VfioGroups.Member> others = VfioGroups.others(sysfs.pciDevices(), address);
        List<VfioGroups.Member> blocking = others.stream().filter(VfioGroups.Member::blocksVfio).toList();
        PrintWriter w = out();
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("device", address.toString());
            out.put("driver", VfioBinding.VFIO_PCI);
            out.put("previousDriver", before.orElse(null));
            out.put("changed", changed);
            out.put("iommuGroup", group.orElse(null));
            out.put("groupMembers", others.stream().map(VfioGroups.Member::json).toList());
            w.println(JsonText.of(out));
        } else {
            if (!changed) {
                w.println(address + " is already bound to vfio-pci");
            } else {
                w.println("bound " + address + " to vfio-pci" + before.map(d -> " (taken from " + d + ")").orElse(" (it had no driver)"));
            }
            group.ifPresent(g -> w.println("IOMMU group " + g + (others.isEmpty() ? ", no other function in it"
                    : ", also holding " + String.join(", ", others.stream().map(VfioGroups.Member::toString).toList()))));
            if (!blocking.isEmpty()) {
                w.println("VFIO cannot claim the group while " + String.join(", ", blocking.stream().map(VfioGroups.Member::toString).toList())
                        + (blocking.size() == 1 ? " keeps its driver" : " keep their drivers")
                        + ": bind " + (blocking.size() == 1 ? "it" : "them") + " to vfio-pci too");
            }
        }
        w.flush();
        return 0;
    }
}
