package dev.iomem.cli;

import dev.iomem.core.BackendChoice;
import dev.iomem.core.BackendDiscovery;
import dev.iomem.core.IoPlatform;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Options every command takes, before or after the command's name:
 * {@code iomem --plugins DIR probe} and {@code iomem probe --plugins DIR} are the same.
 */
final class GlobalOptions {

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Add every jar in DIR to backend discovery.")
    Path plugins;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "Use the backend NAME instead of choosing one for this machine "
                    + "(overrides -Diomem.backend and IOMEM_BACKEND).")
    String backend;

    @Option(names = "--debug", description = "Print stack traces of failures.")
    boolean debug;

    /**
     * {@return these options, with anything unset taken from {@code outer}}
     *
     * @param outer the options given before the command's name
     */
    GlobalOptions over(GlobalOptions outer) {
        GlobalOptions g = new GlobalOptions();
        g.plugins = plugins != null ? plugins : outer.plugins;
        g.backend = backend != null ? backend : outer.backend;
        g.debug = debug || outer.debug;
        return g;
    }

    /** {@return discovery over the class path plus the plugin jars} */
    BackendDiscovery discovery() {
        return BackendDiscovery.discover(PluginJars.loader(plugins));
    }

    /** {@return the explicit backend choice, if any} */
    Optional<BackendChoice> choice() {
        return BackendChoice.resolve(backend, "--backend", System.getProperties(), System.getenv());
    }

    /** {@return the selected platform} */
    IoPlatform platform() {
        return discovery().select(choice());
    }
}
