package dev.iomem.core.pci;

import dev.iomem.api.pci.P2pMapType;
import dev.iomem.api.pci.P2pRoute;
import dev.iomem.api.pci.PciAddress;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides peer-to-peer routes as the kernel's {@code calc_map_type_and_dist()}
 * (drivers/pci/p2pdma.c) does, and caches them per (provider, client) as the kernel caches them
 * in the provider's {@code map_types} xarray.
 *
 * <ol>
 *   <li>Walk up from the provider; at each function look for it on the client's upward walk.
 *       The first hit is the common upstream bridge; distance = steps from the provider +
 *       steps from the client (same function 0, functions of one device 2, a switch 4).</li>
 *   <li>With a common bridge: ACS redirect (RR, CR or EC in ACS control) on the provider's
 *       path up to and including the common bridge, or on the client's path below it, sends
 *       the traffic through the host bridge; without it the client uses PCI bus addresses
 *       (BUS_ADDR).</li>
 *   <li>Without a common bridge the traffic goes through the host bridge; distance = both
 *       walks' lengths.</li>
 *   <li>Through the host bridge is allowed only if the CPU is AMD family 0x17 (Zen) or newer
 *       ({@code cpu_supports_p2pdma()}) or the host bridges are on the whitelist
 *       ({@code host_bridge_whitelist()}); otherwise NOT_SUPPORTED (distance -1).</li>
 * </ol>
 *
 * <p>One deliberate difference: where the ACS state of a function on the path is unknown (its
 * configuration space beyond 64 bytes could not be read without root, or a bridge is missing
 * from sysfs), a redirect cannot be ruled out, so the route is not reported as BUS_ADDR; the
 * reason says so. Newer kernels also evaluate the Egress Control vector per target; this router
 * uses the long-standing rule that EC counts as a redirect, which can only be more conservative.
 */
final class P2pRouter {

    private record Key(PciAddress provider, PciAddress client) {
    }

    private final Map<PciAddress, SysfsFunction> functions;
    private final CpuInfo cpu;
    private final HostBridgeWhitelist whitelist;
    private final Map<Key, P2pRoute> cache = new ConcurrentHashMap<>();

    P2pRouter(Map<PciAddress, SysfsFunction> functions, CpuInfo cpu, HostBridgeWhitelist whitelist) {
        this.functions = Map.copyOf(functions);
        this.cpu = Objects.requireNonNull(cpu, "cpu");
        this.whitelist = Objects.requireNonNull(whitelist, "whitelist");
    }

    /**
     * {@return the cached or newly decided route}
     *
     * @throws IllegalArgumentException if either function is not in the topology
     */
    P2pRoute route(PciAddress provider, PciAddress client) {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(client, "client");
        SysfsFunction p = function(provider, "provider");
        SysfsFunction c = function(client, "client");
        return cache.computeIfAbsent(new Key(provider, client), k -> decide(p, c));
    }

    /** {@return how many routes are cached} */
    int cachedRoutes() {
        return cache.size();
    }

    private SysfsFunction function(PciAddress a, String role) {
        SysfsFunction f = functions.get(a);
        if (f == null) {
            throw new IllegalArgumentException("the " + role + " " + a + " is not a PCI function of this machine");
        }
        return f;
    }

    private P2pRoute decide(SysfsFunction provider, SysfsFunction client) {
        List<PciAddress> up = provider.upstreamPath();
        List<PciAddress> cup = client.upstreamPath();
        int distA = -1;
        int distB = -1;
        for (int i = 0; i < up.size() && distA < 0; i++) {
            int j = cup.indexOf(up.get(i));
            if (j >= 0) {
                distA = i;
                distB = j;
            }
        }
        if (distA < 0) {
            String why = "no common upstream bridge (" + pathText(up, provider) + " and " + pathText(cup, client)
                    + "), so the traffic goes through the host bridge";
            return throughHostBridge(provider, client, up.size() + cup.size(), why);
        }
        int distance = distA + distB;
        PciAddress common = up.get(distA);
        List<PciAddress> checked = new ArrayList<>(up.subList(0, distA + 1));
        checked.addAll(cup.subList(0, distB));
        List<PciAddress> redirecting = new ArrayList<>();
        List<PciAddress> unknown = new ArrayList<>();
        for (PciAddress a : checked) {
            SysfsFunction f = functions.get(a);
            if (f == null || !f.config().capabilitiesReadable()) {
                unknown.add(a);
            } else if (f.config().acsRedirects()) {
                redirecting.add(a);
            }
        }
        String where = where(provider, client, common, distance);
        if (redirecting.isEmpty() && unknown.isEmpty()) {
            return new P2pRoute(provider.address(), client.address(), P2pMapType.BUS_ADDR, distance,
                    where + "; no ACS redirect on the path, so the client uses PCI bus addresses");
        }
        StringBuilder why = new StringBuilder(where);
        if (!redirecting.isEmpty()) {
            why.append("; ACS redirect (RR|CR|EC) is set at ").append(list(redirecting));
        }
        if (!unknown.isEmpty()) {
            why.append("; the ACS state of ").append(list(unknown))
                    .append(" is unknown (configuration space beyond 64 bytes needs root, or the bridge is missing from sysfs),"
                            + " so a redirect cannot be ruled out");
        }
        why.append(", so the traffic goes through the host bridge");
        return throughHostBridge(provider, client, distance, why.toString());
    }

    private static String where(SysfsFunction provider, SysfsFunction client, PciAddress common, int distance) {
        if (distance == 0) {
            return "same function (distance 0)";
        }
        if (provider.address().sameDevice(client.address()) && distance == 2) {
            return "functions of one device below common upstream bridge " + common + " (distance 2)";
        }
        return "common upstream bridge " + common + " (distance " + distance + ")";
    }

    private P2pRoute throughHostBridge(SysfsFunction provider, SysfsFunction client, int distance, String why) {
        if (cpu.supportsP2pThroughHostBridge()) {
            return new P2pRoute(provider.address(), client.address(), P2pMapType.THRU_HOST_BRIDGE, distance,
                    why + "; allowed by the AMD CPU rule: " + cpu.describe() + " >= 0x17 (Zen or newer, cpu_supports_p2pdma)");
        }
        String hostA = provider.device().hostBridge();
        String hostB = client.device().hostBridge();
        Verdict a = whitelisted(hostA, hostA.equals(hostB));
        Verdict b = hostA.equals(hostB) ? a : whitelisted(hostB, false);
        String cpuText = "the AMD CPU rule does not apply (" + cpu.describe() + ", needs " + CpuInfo.AMD + " family >= 0x17)";
        if (a.allowed() && b.allowed()) {
            return new P2pRoute(provider.address(), client.address(), P2pMapType.THRU_HOST_BRIDGE, distance,
                    why + "; " + cpuText + ", but allowed by the host bridge whitelist: " + a.text()
                            + (hostA.equals(hostB) ? "" : " and " + b.text()));
        }
        String refused = !a.allowed() ? a.text() : b.text();
        return new P2pRoute(provider.address(), client.address(), P2pMapType.NOT_SUPPORTED, -1,
                why + "; not supported: " + cpuText + " and by the host bridge whitelist " + refused);
    }

    private record Verdict(boolean allowed, String text) {
    }

    /** The kernel's {@code __host_bridge_whitelist()} for one host bridge. */
    private Verdict whitelisted(String hostBridge, boolean sameHostBridge) {
        Optional<SysfsFunction> root = rootFunction(hostBridge);
        if (root.isEmpty()) {
            return new Verdict(false, "host bridge " + hostBridge + " has no devfn 00.0 or root port first on its root bus to match");
        }
        SysfsFunction r = root.get();
        String ids = String.format("%04x:%04x", r.device().vendorId(), r.device().deviceId());
        Optional<HostBridgeWhitelist.Entry> entry = whitelist.find(r.device().vendorId(), r.device().deviceId());
        if (entry.isEmpty()) {
            return new Verdict(false, "host bridge " + hostBridge + " (" + r.address() + ", " + ids + ") is not on the kernel's P2PDMA whitelist");
        }
        if (entry.get().requiresSameHostBridge() && !sameHostBridge) {
            return new Verdict(false, "host bridge " + hostBridge + " (" + r.address() + ", " + ids + ", " + entry.get().name()
                    + ") is whitelisted only for peers under the same host bridge");
        }
        return new Verdict(true, "host bridge " + hostBridge + " (" + r.address() + ", " + ids + ", " + entry.get().name() + ") is on it");
    }

    /**
     * The kernel's {@code pci_host_bridge_dev()}: the first function on the host bridge's root
     * bus, if it is devfn 00.0 or a PCIe root port.
     */
    private Optional<SysfsFunction> rootFunction(String hostBridge) {
        Optional<SysfsFunction> first = functions.values().stream()
                .filter(f -> f.device().hostBridge().equals(hostBridge) && f.device().upstreamBridges().isEmpty())
                .min(Comparator.comparing(SysfsFunction::address));
        return first.filter(f -> (f.address().device() == 0 && f.address().function() == 0)
                || f.config().pcieType().orElse(-1) == ConfigSpace.PCIE_TYPE_ROOT_PORT);
    }

    private static String pathText(List<PciAddress> path, SysfsFunction f) {
        return String.join(" -> ", path.stream().map(PciAddress::toString).toList()) + " -> " + f.device().hostBridge();
    }

    private static String list(List<PciAddress> as) {
        return String.join(", ", as.stream().map(PciAddress::toString).toList());
    }
}
