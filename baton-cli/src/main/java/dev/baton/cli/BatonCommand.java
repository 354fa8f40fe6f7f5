package dev.baton.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code baton}: the parent of every subcommand. */
@Command(
        name = "baton",
        mixinStandardHelpOptions = true,
        versionProvider = BatonCommand.Version.class,
        description = "Coordinates distributed work on etcd v3.",
        subcommands = {ServerCommand.class, WorkerCommand.class, SubmitCommand.class, FleetListing.Tasks.class,
            FleetListing.Members.class, FleetListing.Leader.class, SendCommand.class, RetryCommand.class,
            WatchCommand.class, ElectCommand.class, LockCommand.class, ScheduleCommand.class, DashboardCommand.class, DemoCommand.class,
            CommandLine.HelpCommand.class})
public final class BatonCommand implements Runnable {
    /** The variable logback.xml reads the root level from; a system property of that name wins over the environment. */
    private static final String LOG_LEVEL_VARIABLE = "BATON_LOG_LEVEL";
    /** The file {@code logback-demo.xml} writes the library's logs to, named by the demo. */
    static final String LOG_FILE_VARIABLE = "BATON_LOG_FILE";
    private static final Set<String> ONE_SHOT_COMMANDS = Set.of("submit", "tasks", "members", "leader", "command", "retry",
            "schedule");

    @Spec
    private CommandSpec spec;

    /** {@code baton} alone is a usage error: a subcommand is required. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** The command line as {@code main} runs it; exposed so tests can run it in-process. */
    static CommandLine commandLine() {
        return new CommandLine(new BatonCommand()).setExecutionExceptionHandler(BatonCommand::failed)
                .setParameterExceptionHandler(BatonCommand::badUsage);
    }

    /** Bad usage prints the error, any "did you mean" suggestion and the usage, and exits with 2. */
    private static int badUsage(CommandLine.ParameterException error, String[] args) {
        CommandLine command = error.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(error.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(error, err);
        command.usage(err);
        err.flush();
        return 2;
    }

    /**
     * A command that fails at run time prints one line and exits with 1: a {@link CommandFailure}
     * is expected and says what to do, and so does a store refusing the client (a permission it
     * lacks, a certificate); anything else is reported by its type and message, with the stack
     * trace only in the debug log.
     */
    private static int failed(Exception error, CommandLine command, CommandLine.ParseResult parsed) {
        String name = command.getCommandSpec().qualifiedName();
        Optional<String> refusal = command.getCommandSpec().mixins().values().stream()
                .map(CommandSpec::userObject)
                .filter(StoreOptions.class::isInstance)
                .flatMap(options -> ((StoreOptions) options).resolvedSettings().stream())
                .flatMap(settings -> AccessFailure.explain(error, settings).stream())
                .findFirst();
        if (error instanceof CommandFailure) {
            command.getErr().println(name + ": " + error.getMessage());
        } else if (refusal.isPresent()) {
            LoggerFactory.getLogger(BatonCommand.class).debug("{} failed", name, error);
            command.getErr().println(name + ": " + refusal.get());
        } else {
            LoggerFactory.getLogger(BatonCommand.class).debug("{} failed", name, error);
            command.getErr().println(name + ": unexpected error: " + error);
        }
        command.getErr().flush();
        return 1;
    }

    public static void main(String[] args) {
        quietLogsForOneShotCommands(args);
        demoLogsToAFile(args);
        sendJavaUtilLoggingToSlf4j();
        System.exit(commandLine().execute(args));
    }

    /**
     * Commands that read or write once and exit print their answer, not the library's progress
     * lines (a cache loading, a session opening): their logs start at WARN unless
     * {@code BATON_LOG_LEVEL} says otherwise. Long-running commands keep INFO. Must run before
     * the first logger is created, which is when logback reads its configuration.
     */
    private static void quietLogsForOneShotCommands(String[] args) {
        if (args.length > 0 && ONE_SHOT_COMMANDS.contains(args[0]) && System.getenv(LOG_LEVEL_VARIABLE) == null) {
            System.setProperty(LOG_LEVEL_VARIABLE, "WARN");
        }
    }

    /**
     * {@code baton demo} tells the fleet's story on the terminal; the library's own lines (a cache
     * loading, the crashed worker's session failing, as it should) go to a temporary file the demo
     * names at its start, through {@code logback-demo.xml}. Must run before the first logger is
     * created; when the file cannot be made, logs stay on standard error.
     */
    private static void demoLogsToAFile(String[] args) {
        if (args.length == 0 || !args[0].equals("demo") || System.getProperty("logback.configurationFile") != null) {
            return;
        }
        try {
            Path log = Files.createTempFile("baton-demo-", ".log");
            System.setProperty(LOG_FILE_VARIABLE, log.toString());
            System.setProperty("logback.configurationFile", "logback-demo.xml");
        } catch (IOException e) {
            System.err.println("baton demo: cannot create a log file (" + e.getMessage() + "); logging to standard error");
        }
    }

    /**
     * gRPC logs through java.util.logging, whose console handler would print its own two-line
     * records on standard error; the bridge sends them to logback, whose {@code logback.xml}
     * sets their levels (and hands them back to java.util.logging, so disabled levels cost nothing).
     */
    static void sendJavaUtilLoggingToSlf4j() {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    /** The version of the jar, as recorded by the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = BatonCommand.class.getPackage().getImplementationVersion();
            return new String[] {"baton " + (version == null ? "(development build)" : version)};
        }
    }
}
