package dev.baton.cli;

import java.util.logging.Level;
import java.util.logging.Logger;
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
        subcommands = {ServerCommand.class, CommandLine.HelpCommand.class})
public final class BatonCommand implements Runnable {
    /**
     * gRPC logs through java.util.logging, which would print INFO lines around our own logs;
     * held here because the JDK keeps loggers only weakly.
     */
    private static final Logger GRPC_LOGS = Logger.getLogger("io.grpc");

    @Spec
    private CommandSpec spec;

    /** {@code baton} alone is a usage error: a subcommand is required. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** The command line as {@code main} runs it; exposed so tests can run it in-process. */
    static CommandLine commandLine() {
        return new CommandLine(new BatonCommand());
    }

    public static void main(String[] args) {
        GRPC_LOGS.setLevel(Level.WARNING);
        System.exit(commandLine().execute(args));
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
