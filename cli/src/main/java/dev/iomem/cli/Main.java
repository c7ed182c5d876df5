package dev.iomem.cli;

import picocli.CommandLine;

/**
 * Runs the {@code iomem} command and exits with its code: 0 on success, 2 for a usage error,
 * 1 for any other failure (one line on stderr; a stack trace only with {@code --debug}).
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs the command line and exits.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line without exiting.
     *
     * @param args the arguments
     * @return the exit code
     */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** {@return the configured picocli command line} */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new IomemCommand());
        OneLineErrors errors = new OneLineErrors();
        cl.setExecutionExceptionHandler(errors);
        cl.setParameterExceptionHandler(errors);
        cl.setExecutionStrategy(OneLineErrors.guarding(new CommandLine.RunLast()));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }
}
