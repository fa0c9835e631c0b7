package io.kdump4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command: {@code kdump4j <subcommand>}. */
@Command(name = "kdump4j",
        mixinStandardHelpOptions = true,
        versionProvider = Kdump4jVersion.class,
        description = "Linux kernel crash dumps: read, save and analyse them.",
        subcommands = {
            InfoCommand.class,
            DmesgCommand.class,
            AnalyzeCommand.class,
            SysCommand.class,
            LogCommand.class,
            PsCommand.class,
            BtCommand.class,
            ModCommand.class,
            KmemCommand.class,
            SaveCommand.class,
            ReassembleCommand.class,
            DemoCommand.class,
            CheckCommand.class,
            InitramfsCommand.class,
            LoadCommand.class,
            UnloadCommand.class,
            StatusCommand.class,
            EstimateCommand.class,
            EnableCommand.class,
            DisableCommand.class,
            TestCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:internal error (a bug: rerun with --debug and report it)",
            "2:usage error",
            "3:a file could not be opened, read or written",
            "4:not a dump, or a truncated or corrupt one (file and offset are printed)",
            "5:the dump lacks what the command needs (e.g. filtered pages, no VMCOREINFO)",
            "6:save: a dump was saved but is incomplete (TARGET.incomplete, marked in its header)"
        })
public final class Kdump4j implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }
}
