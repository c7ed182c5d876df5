package com.example.iomem.demo;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.iomem.core.Iomem;
import dev.iomem.core.IoPlatform;
import dev.iomem.core.guice.IomemModule;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line: {@code run [plain|guice|both] [--backend NAME] [--mapper auto|pagemap|simulated-iova]}.
 * Exit status 0 if every run showed what it set out to show, 1 if not or on an error (one line
 * on stderr), 2 on a usage error.
 */
public final class Main {

    /** The usage line. */
    public static final String USAGE = "usage: run [plain|guice|both] [--backend NAME] [--mapper auto|pagemap|simulated-iova]";

    private Main() {
    }

    /**
     * Runs the demo.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the demo and returns the exit status.
     *
     * @param args the command line
     * @param out  where the narrative goes
     * @param err  where errors go
     * @return 0 on success, 1 on failure, 2 on a usage error
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> wirings = new ArrayList<>(List.of("plain", "guice"));
        String backend = null;
        MapperMode mode = MapperMode.AUTO;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "plain", "guice" -> wirings = List.of(args[i]);
                    case "both" -> wirings = List.of("plain", "guice");
                    case "--backend" -> backend = value(args, ++i, "--backend");
                    case "--mapper" -> mode = MapperMode.ofLabel(value(args, ++i, "--mapper"));
                    case "-h", "--help" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("driver-demo: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        boolean ok = true;
        try {
            for (String wiring : wirings) {
                DriverDemo demo = wiring.equals("plain") ? plain(backend) : guice(backend);
                ok &= demo.run(wiring, mode, out).ok();
                out.println();
            }
        } catch (RuntimeException e) {
            err.println("driver-demo: " + e.getMessage());
            return 1;
        }
        return ok ? 0 : 1;
    }

    /**
     * {@return the demo over the plain API's platform}
     *
     * @param backend a backend's name, or {@code null} to let iomem choose for {@code os.arch}
     * @throws dev.iomem.core.UnknownBackendException     if {@code backend} names no backend
     * @throws dev.iomem.core.NoBackendAvailableException if none is named and none is available
     */
    public static DriverDemo plain(String backend) {
        IoPlatform platform = Iomem.platform(backend);
        return new DriverDemo(platform);
    }

    /**
     * {@return the demo as Guice builds it, with iomem's module}
     *
     * @param backend a backend's name, or {@code null} to let iomem choose for {@code os.arch}
     * @throws com.google.inject.ProvisionException if the backend cannot be selected
     */
    public static DriverDemo guice(String backend) {
        Injector injector = Guice.createInjector(new IomemModule(backend));
        return injector.getInstance(DriverDemo.class);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
