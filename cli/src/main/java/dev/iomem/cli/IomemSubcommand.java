package dev.iomem.cli;

import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * What every {@code iomem} command shares: the global options given before or after its name,
 * {@code --json}, and the rule that an unacceptable argument ({@link BadArgumentException}) is
 * one line on stderr and exit 2. Other failures reach {@link OneLineErrors}: one line, exit 1.
 */
abstract class IomemSubcommand implements Callable<Integer> {

    @Mixin
    GlobalOptions local;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        try {
            return run();
        } catch (BadArgumentException e) {
            err().println("iomem: " + OneLineErrors.oneLine(e));
            err().flush();
            return CommandLine.ExitCode.USAGE;
        }
    }

    /**
     * Runs the command.
     *
     * @return the exit code
     * @throws Exception any failure, reported as one line with exit code 1
     */
    protected abstract int run() throws Exception;

    /**
     * {@return the global options, those after the command's name winning over those before it
     * (for {@code iomem vfio info}: after {@code info}, then after {@code vfio}, then after
     * {@code iomem})}
     */
    GlobalOptions global() {
        GlobalOptions g = local;
        for (CommandSpec p = spec.parent(); p != null; p = p.parent()) {
            GlobalOptions outer = switch (p.userObject()) {
                case IomemCommand c -> c.global;
                case VfioCommand v -> v.global;
                case null, default -> null;
            };
            if (outer != null) {
                g = g.over(outer);
            }
        }
        return g;
    }

    /** {@return where results go} */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** {@return where errors go} */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
