package dev.iomem.cli;

import picocli.CommandLine;

/**
 * Turns any failure of a command into one clear line on stderr and exit code 1; the stack
 * trace is printed only with {@code --debug}.
 */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        boolean debug = parseResult.expandedArgs().contains("--debug");
        cmd.getErr().println("iomem: " + oneLine(ex));
        if (debug) {
            ex.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return ex instanceof CommandLine.ParameterException ? CommandLine.ExitCode.USAGE : CommandLine.ExitCode.SOFTWARE;
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
