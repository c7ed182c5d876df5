package dev.iomem.cli;

import picocli.CommandLine;

import java.util.Arrays;

/**
 * Turns any failure of a command into one clear line on stderr: exit code 1 for a failure
 * while running, 2 for a usage error (picocli's own parse errors and the
 * {@link CommandLine.ParameterException}s commands throw). The stack trace is printed only with
 * {@code --debug}; the usage text is not printed ({@code --help} shows it).
 */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        if (ex instanceof CommandLine.ParameterException pe) {
            return handleParseException(pe, parseResult.expandedArgs().toArray(String[]::new));
        }
        print(ex, cmd, parseResult.expandedArgs().contains("--debug"));
        return CommandLine.ExitCode.SOFTWARE;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        print(ex, cmd, Arrays.asList(args).contains("--debug"));
        return CommandLine.ExitCode.USAGE;
    }

    /**
     * {@return {@code strategy}, with an {@link Error} that escapes a command (out of memory, a
     * plugin's assertion or linkage failure; picocli hands only exceptions to the handlers)
     * reported as one line too, and exit code 1}
     *
     * @param strategy the strategy that runs the commands
     */
    static CommandLine.IExecutionStrategy guarding(CommandLine.IExecutionStrategy strategy) {
        return parseResult -> {
            try {
                return strategy.execute(parseResult);
            } catch (Error e) {
                CommandLine cmd = parseResult.commandSpec().commandLine();
                String m = e.getMessage();
                cmd.getErr().println("iomem: " + e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + oneLine(e)));
                if (parseResult.expandedArgs().contains("--debug")) {
                    e.printStackTrace(cmd.getErr());
                }
                cmd.getErr().flush();
                return CommandLine.ExitCode.SOFTWARE;
            }
        };
    }

    private static void print(Exception ex, CommandLine cmd, boolean debug) {
        cmd.getErr().println("iomem: " + oneLine(ex));
        if (debug) {
            ex.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
    }

    /**
     * {@return the exception's message on one line, or its type if it has none}
     *
     * @param e the failure
     */
    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        return m.replace("\r", " ").replace("\n", " ").strip();
    }
}
