package dev.baton.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One {@code baton} command line run in the test's JVM, with what it printed to each stream. */
record InProcessRun(int exitCode, String out, String err) {

    /** Runs {@code args} as {@code main} would, without exiting the JVM. */
    static InProcessRun baton(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = BatonCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new InProcessRun(code, out.toString(), err.toString());
    }
}
