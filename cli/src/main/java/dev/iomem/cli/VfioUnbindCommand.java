package dev.iomem.cli;

import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.vfio.VfioBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code iomem vfio unbind ADDR}: unbinds a PCI function from vfio-pci through
 * {@link VfioBinding}, clears its {@code driver_override} and lets the kernel probe it again, so
 * that its own driver takes it back. A function not bound to vfio-pci is refused, and nothing is
 * written. The address is checked before any file is read.
 */
@Command(name = "unbind", mixinStandardHelpOptions = true,
        description = {"Unbind PCI function ADDR from vfio-pci, clear its driver_override and write ADDR to drivers_probe, "
                + "so that its own driver takes it back. Needs root.",
            "A function that is not bound to vfio-pci is refused; nothing is written then."})
final class VfioUnbindCommand extends IomemSubcommand {

    @Mixin
    VfioSysfsOption sysfs;

    @Parameters(paramLabel = "ADDR", description = "The function (dddd:bb:dd.f).")
    String addressText;

    @Override
    protected int run() {
        PciAddress address = VfioInfoCommand.address(addressText);
        Optional<String> after = new VfioBinding(sysfs.pciBus()).unbind(address);
        PrintWriter w = out();
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("device", address.toString());
            out.put("previousDriver", VfioBinding.VFIO_PCI);
            out.put("driver", after.orElse(null));
            w.println(JsonText.of(out));
        } else {
            w.println("unbound " + address + " from vfio-pci; " + after.map(d -> "now bound to " + d).orElse("no driver took it"));
        }
        w.flush();
        return 0;
    }
}
