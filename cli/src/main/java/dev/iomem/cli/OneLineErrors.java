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
