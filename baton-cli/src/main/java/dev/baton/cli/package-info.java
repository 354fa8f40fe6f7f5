/**
 * The {@code baton} command line. {@link dev.baton.cli.BatonCommand} is the parent command;
 * each capability adds a subcommand class (server, watch, elect, dashboard). Exit
 * codes: 0 success, 1 failure at run time (the message says why), 2 bad usage (with the usage
 * text).
 */
package dev.baton.cli;
