package dev.baton.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Looks at the processes a command task left behind, through {@code /proc}. */
final class TaskProcesses {
    private TaskProcesses() {
    }

    /**
     * Whether {@code pid} is a process that still runs: present and not a zombie (an ended
     * process whose new parent has not reaped it yet).
     */
    static boolean isRunning(long pid) throws IOException {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (NoSuchFileException e) {
            return false;
        }
        char state = stat.charAt(stat.lastIndexOf(')') + 2);
        return state != 'Z' && state != 'X';
    }

    /** The pid a task wrote to {@code file}. */
    static long readPid(Path file) throws IOException {
        return Long.parseLong(Files.readString(file).trim());
    }
}
