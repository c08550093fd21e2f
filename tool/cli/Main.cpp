// state-audit: finds state that persists between requests in C++ MCP servers.
#include "ChaosCommand.h"
#include "Commands.h"
#include "Version.h"

#include "support/Output.h"

#include "CLI/CLI.hpp"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace sa;

namespace sa {
void reportError(const std::string &Message) {
  llvm::errs() << "state-audit: error: " << printable(Message, /*KeepNewlines=*/true) << "\n";
}
void reportWarning(const std::string &Message) {
  llvm::errs() << "state-audit: warning: " << printable(Message, /*KeepNewlines=*/true) << "\n";
}
} // namespace sa

/// The options that decide what is reported and how the gate judges it: `scan` and `merge`.
static void addReportOptions(CLI::App *Cmd, ReportOptions &Rep) {
  Cmd->add_option("--format", Rep.format, "Report format")
      ->check(CLI::IsMember({"text", "json", "sarif", "markdown", "codequality", "plan",
                              "plan-json"}));
  Cmd->add_option("-o,--output", Rep.output, "Write the report to FILE (atomically)");
  Cmd->add_option("--fail-on", Rep.failOn,
                  "Exit 1 when findings at or above this level remain (default: the "
                  "configuration's fail-on, else error)")
      ->check(CLI::IsMember({"error", "warning", "note", "never"}));
  Cmd->add_option("--config", Rep.configFile,
                  "Configuration file (default: .state-audit.yaml from the first path upward)");
  Cmd->add_option("--baseline", Rep.baseline,
                  "An earlier SARIF report: its findings are 'unchanged' and do not fail the gate");
  Cmd->add_option("--baseline-path-map", Rep.baselinePathMap,
                  "OLD=NEW: match baseline results under a renamed path (repeatable)")
      ->allow_extra_args(false);
  Cmd->add_flag("--sarif-include-suppressed", Rep.sarifIncludeSuppressed,
                "Keep suppressed findings in SARIF, with suppressions[]");
  Cmd->add_flag("--sarif-include-absent", Rep.sarifIncludeAbsent,
                "List baseline results no longer found in SARIF (baselineState: absent); "
                "GitHub code scanning would show them as alerts");
  Cmd->add_option("--sarif-level", Rep.sarifLevel,
                  "Lowest level written to SARIF (default warning: code scanning shows every "
                  "result as an open alert, and notes are not problems)")
      ->check(CLI::IsMember({"error", "warning", "note"}));
  Cmd->add_option("--markdown-limit", Rep.markdownLimit,
                  "Keep the markdown summary below this many bytes (default 60000; a GitHub "
                  "comment takes 65536 characters)")
      ->check(CLI::Range(size_t(4096), size_t(100000000)));
  Cmd->add_option("--full-report", Rep.fullReport,
                  "Where the full report is (a URL or an artifact name), named by the markdown "
                  "summary when it leaves findings out");
  Cmd->add_flag("--allow-compile-errors", Rep.allowCompileErrors,
                "Report what was found in TUs with compile errors instead of exiting 3");
  Cmd->add_option("--color", Rep.color, "Colour the text report")
      ->check(CLI::IsMember({"auto", "always", "never"}));
}

/// CLI11 reads a size as unsigned, so "-1" wraps around to 16 EiB and is taken as "no limit
/// to speak of"; a minus sign is refused before the size is read.
static CLI::Validator refuseNegativeSize() {
  return CLI::Validator(
      [](std::string &Value) -> std::string {
        size_t First = Value.find_first_not_of(" \t");
        if (First != std::string::npos && Value[First] == '-')
          return "a size cannot be negative, got '" + Value + "'";
        return {};
      },
      "", "NonNegativeSize");
}

int main(int argc, char **argv) {
  // Everything after the first "--" goes to the compiler, as with clang-tidy.
  std::vector<std::string> ExtraArgs;
  int CliArgc = argc;
  for (int I = 1; I < argc; ++I)
    if (std::strcmp(argv[I], "--") == 0) {
      ExtraArgs.assign(argv + I + 1, argv + argc);
      CliArgc = I;
      break;
    }

  CLI::App App{"state-audit: finds the state that keeps a C++ MCP server from scaling "
               "horizontally"};
  App.name("state-audit");
  App.set_version_flag("--version", std::string("state-audit ") + STATE_AUDIT_VERSION);
  App.require_subcommand(1);

  ScanOptions Scan;
  ReportOptions &Rep = Scan.report;
  CLI::App *ScanCmd = App.add_subcommand("scan", "Analyse C/C++ sources and report findings");
  ScanCmd->add_option("paths", Scan.paths,
                      "Files or directories to analyse (default: every TU of the compile "
                      "database, or the sources under the current directory)");
  ScanCmd->add_option("-p,--build-dir", Scan.buildDir,
                      "Directory holding compile_commands.json (default: searched upward from "
                      "the first path)");
  addReportOptions(ScanCmd, Rep);
  ScanCmd->add_option("-j,--jobs", Scan.jobs, "Parallel workers (default: number of cores)")
      ->check(CLI::Range(0u, 1024u));
  ScanCmd->add_option("--exclude", Scan.excludes,
                      "Directory that is not the project's code (repeatable)")
      ->allow_extra_args(false);
  ScanCmd->add_option("--root", Scan.root,
                      "Project root: reports name files relative to it (default: the git "
                      "work tree of the first path)");
  ScanCmd->add_flag("--no-skip-bodies", Scan.noSkipBodies,
                    "Parse function bodies in system and third-party headers too");
  ScanCmd->add_option("--facts-out", Scan.factsOut,
                      "Also write the extracted facts to FILE (for 'merge' and debugging)");
  ScanCmd->add_option("--shard", Scan.shard,
                      "K/N: analyse only shard K of N (balanced by size); needs --facts-out");
  ScanCmd->add_option("--cache-dir", Scan.cacheDir,
                      "Where unchanged TUs' facts are kept (default: .state-audit-cache in "
                      "the build directory)");
  ScanCmd->add_flag("--no-cache", Scan.noCache, "Parse every TU, read and write no cache");
  ScanCmd
      ->add_option("--cache-max-size", Scan.cacheMaxSize,
                   "Remove the least recently used cache files when the cache outgrows SIZE "
                   "(500M, 5G; 0: no limit; default 5G)")
      ->transform(CLI::AsSizeValue(false))
      ->transform(refuseNegativeSize()); // runs first: CLI11's transforms run newest first
  ScanCmd->add_flag("-q,--quiet", Rep.quiet,
                    "No progress line, no timing summary and no line about library code");
  ScanCmd->add_flag("-v,--verbose", Scan.verbose,
                    "List each TU with its time; count the headers under the system's "
                    "prefixes read as library code");
  ScanCmd->footer("Arguments after -- are passed to the compiler for every TU.");

  MergeOptions Merge;
  CLI::App *MergeCmd = App.add_subcommand(
      "merge", "Link the facts of sharded scans (--shard K/N --facts-out) and report");
  MergeCmd->add_option("facts", Merge.factsFiles, "Facts files written by scan --facts-out")
      ->required()
      ->check(CLI::ExistingFile);
  MergeCmd->add_option("--root", Merge.root,
                       "Project root (default: the one the facts were extracted under)");
  addReportOptions(MergeCmd, Merge.report);

  std::string ConfigFile, ConfigStart = ".";
  bool ConfigDump = false;
  CLI::App *ConfigCmd =
      App.add_subcommand("config", "Show the configuration file in effect, or dump it");
  ConfigCmd->add_flag("--dump", ConfigDump,
                      "Print the effective configuration as YAML, defaults included");
  ConfigCmd->add_option("--config", ConfigFile, "Configuration file to read");
  ConfigCmd->add_option("path", ConfigStart, "Where to look for .state-audit.yaml from");

  CLI::App *RulesCmd = App.add_subcommand("rules", "List the rules");

  // chaos: the running server behind a real load balancer, an instance killed mid-session.
  ChaosCommandOptions Chaos;
  CLI::App *ChaosCmd = addChaosCommand(App, Chaos);

  std::string ExplainTarget, ExplainReport;
  CLI::App *ExplainCmd = App.add_subcommand(
      "explain", "Print a rule's page, or explain a finding of a JSON report in full");
  ExplainCmd->add_option("target", ExplainTarget,
                         "A rule id, or a finding: its fingerprint (6+ leading digits) or "
                         "FILE:LINE[:COL]")
      ->required();
  ExplainCmd->add_option("--report", ExplainReport,
                         "The JSON report (scan --format json -o FILE) to find the finding in");

  try {
    App.parse(CliArgc, argv);
  } catch (const CLI::Success &E) {
    return App.exit(E);
  } catch (const CLI::ParseError &E) {
    if (E.get_exit_code() == 0)
      return App.exit(E);
    reportError(std::string(E.what()) + " (see state-audit --help)");
    return 2;
  }
  if (!ExtraArgs.empty() && !ScanCmd->parsed()) {
    reportError("arguments after -- are only accepted by 'scan'");
    return 2;
  }

  llvm::CrashRecoveryContext::Enable();
  int Code = 2;
  if (ScanCmd->parsed()) {
    Scan.extraArgs = ExtraArgs;
    Code = runScanCommand(Scan);
  } else if (RulesCmd->parsed()) {
    Code = runRulesCommand();
  } else if (ExplainCmd->parsed()) {
    Code = runExplainCommand(ExplainTarget, ExplainReport);
  } else if (ConfigCmd->parsed()) {
    Code = runConfigCommand(ConfigFile, ConfigStart, ConfigDump);
  } else if (MergeCmd->parsed()) {
    Code = runMergeCommand(Merge);
  } else if (ChaosCmd->parsed()) {
    Code = runChaosCommand(Chaos);
  }
  // A full disk or a closed pipe on stdout: one message and exit 2, not LLVM's fatal
  // "IO failure on output stream" from the stream's destructor.
  llvm::outs().flush();
  if (llvm::outs().has_error()) {
    std::error_code EC = llvm::outs().error();
    llvm::outs().clear_error();
    reportError("cannot write to standard output: " + EC.message());
    llvm::errs().clear_error();
    return 2;
  }
  llvm::errs().clear_error(); // stderr itself unwritable: nothing more can be said
  return Code;
}
