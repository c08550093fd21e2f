#include "ChaosCommand.h"
#include "Commands.h"

#include "chaos/Runner.h"
#include "support/Output.h"

#include "CLI/CLI.hpp"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

namespace sa {

CLI::App *addChaosCommand(CLI::App &App, ChaosCommandOptions &O) {
  CLI::App *Cmd = App.add_subcommand(
      "chaos", "Run the server on several instances behind HAProxy, kill the one serving an "
               "MCP session mid-session, and report what the session lost");
  Cmd->add_option("--server", O.server,
                  "Shell command starting one instance; {port} is replaced by its port, "
                  "{instance} by its name (i0, i1, ...)")
      ->required();
  Cmd->add_option("--instances", O.instances, "How many instances (2 to 16)")
      ->check(CLI::Range(2u, 16u));
  Cmd->add_option("--lb", O.lb,
                  "How the kill round balances: round-robin, sticky on the Mcp-Session-Id "
                  "header, or source (the client's address); the first round is round-robin")
      ->check(CLI::IsMember({"round-robin", "sticky", "source"}));
  Cmd->add_option("--transport", O.transport,
                  "streamable (Streamable HTTP), sse (the 2024-11-05 HTTP+SSE transport), or "
                  "auto (Streamable HTTP, then HTTP+SSE when it is refused)")
      ->check(CLI::IsMember({"streamable", "sse", "auto"}));
  Cmd->add_option("--steps", O.stepsFile,
                  "YAML or JSON list of tool calls (default: tools/list and the GET stream, "
                  "twice)")
      ->check(CLI::ExistingFile);
  Cmd->add_option("--kill-at", O.killAt,
                  "Kill the serving instance before this step (a number or a step's name; "
                  "default: the middle step)");
  Cmd->add_option("--format", O.format, "Report format")
      ->check(CLI::IsMember({"text", "json"}));
  Cmd->add_option("-o,--output", O.output, "Write the report to FILE (atomically)");
  Cmd->add_option("--report", O.report,
                  "A JSON report of 'state-audit scan': name the findings that explain a loss")
      ->check(CLI::ExistingFile);
  Cmd->add_option("--health", O.healthPath,
                  "HTTP path answering 2xx while an instance is healthy (default: HAProxy "
                  "checks TCP connects)");
  Cmd->add_option("--mcp-path", O.mcpPath,
                  "The MCP endpoint (default /mcp; the event stream's, /sse, for HTTP+SSE)");
  Cmd->add_option("--work-dir", O.workDir,
                  "Keep the HAProxy configuration and every process's log here (default: a "
                  "temporary directory, kept only when the session did not resume)");
  Cmd->add_option("--haproxy", O.haproxy, "The haproxy program (default: found on PATH)");
  Cmd->add_option("--start-timeout", O.startTimeout,
                  "Seconds an instance and the balancer may take to come up")
      ->check(CLI::Range(1u, 600u));
  Cmd->add_flag("-q,--quiet", O.quiet, "No progress lines on standard error");
  return Cmd;
}

namespace {

/// --kill-at as a step number: a number, or the first step with that name.
bool resolveKillAt(const std::string &Arg, const std::vector<chaos::Step> &Steps,
                   unsigned &Out) {
  if (Arg.empty())
    return true;
  if (!llvm::StringRef(Arg).getAsInteger(10, Out) && Out > 0)
    return true;
  for (size_t I = 0; I < Steps.size(); ++I)
    if (Steps[I].name == Arg) {
      Out = unsigned(I + 1);
      return true;
    }
  reportError("--kill-at " + Arg + ": neither a step number nor the name of a step");
  return false;
}

/// -o must not overwrite what the run reads: the scan report or the step file.
bool outputClobbersAnInput(const ChaosCommandOptions &O) {
  if (O.output.empty() || O.output == "-")
    return false;
  for (auto [What, File] : {std::pair<const char *, const std::string *>{"the --report", &O.report},
                            {"the --steps file", &O.stepsFile}})
    if (!File->empty() && sameExistingFile(O.output, *File)) {
      reportError("-o '" + O.output + "' names " + What + " '" + *File +
                  "' this run reads; refusing to overwrite it");
      return true;
    }
  return false;
}

} // namespace

int runChaosCommand(const ChaosCommandOptions &O) {
  if (outputClobbersAnInput(O))
    return 2;
  chaos::ChaosOptions C;
  C.server = O.server;
  C.instances = O.instances;
  C.balance = O.lb == "sticky"   ? chaos::Balance::Sticky
              : O.lb == "source" ? chaos::Balance::Source
                                 : chaos::Balance::RoundRobin;
  C.transport = O.transport == "streamable" ? chaos::Transport::Streamable
                : O.transport == "sse"      ? chaos::Transport::Sse
                                            : chaos::Transport::Auto;
  C.mcpPath = O.mcpPath;
  C.healthPath = O.healthPath;
  C.haproxy = O.haproxy;
  C.startTimeout = std::chrono::seconds(O.startTimeout);
  C.progress = O.quiet ? nullptr : &llvm::errs();
  if (O.stepsFile.empty()) {
    C.steps = chaos::defaultSteps();
  } else {
    llvm::Expected<std::vector<chaos::Step>> Steps = chaos::loadSteps(O.stepsFile);
    if (!Steps) {
      reportError(llvm::toString(Steps.takeError()));
      return 2;
    }
    C.steps = std::move(*Steps);
  }
  if (!resolveKillAt(O.killAt, C.steps, C.killAt))
    return 2;
  if (llvm::Error E = chaos::validateOptions(C)) {
    reportError(llvm::toString(std::move(E)));
    return 2;
  }
  std::vector<chaos::StaticFinding> Findings;
  if (!O.report.empty()) {
    llvm::Expected<std::vector<chaos::StaticFinding>> F = chaos::loadScanReport(O.report);
    if (!F) {
      reportError(llvm::toString(F.takeError()));
      return 2;
    }
    Findings = std::move(*F);
  }

  bool TemporaryDir = O.workDir.empty();
  if (TemporaryDir) {
    llvm::SmallString<128> Dir;
    if (std::error_code EC = llvm::sys::fs::createUniqueDirectory("state-audit-chaos", Dir)) {
      reportError("cannot create a temporary directory: " + EC.message());
      return 2;
    }
    C.workDir = std::string(Dir);
  } else {
    if (std::error_code EC = llvm::sys::fs::create_directories(O.workDir)) {
      reportError(O.workDir + ": cannot create the directory: " + EC.message());
      return 2;
    }
    C.workDir = O.workDir;
  }

  chaos::Supervisor::installSignalHandlers();
  llvm::Expected<chaos::ChaosResult> Result = [&] {
    chaos::Supervisor Processes;
    llvm::Expected<chaos::ChaosResult> R = chaos::runChaos(C, Processes);
    Processes.stopAll();
    return R;
  }();
  auto KeepOrRemove = [&](bool Keep) {
    if (!TemporaryDir)
      return;
    if (Keep)
      llvm::errs() << "state-audit chaos: logs kept in " << C.workDir << "\n";
    else
      llvm::sys::fs::remove_directories(C.workDir);
  };
  if (!Result) {
    reportError(llvm::toString(Result.takeError()));
    int Signal = chaos::Supervisor::interrupted();
    KeepOrRemove(!Signal);
    return Signal ? 128 + Signal : 2;
  }

  const std::vector<chaos::StaticFinding> Explaining =
      chaos::explainingFindings(*Result, Findings);
  const std::vector<chaos::StaticFinding> *Linked = O.report.empty() ? nullptr : &Explaining;
  if (llvm::Error E = writeOutput(O.output, [&](llvm::raw_ostream &OS) {
        if (O.format == "json")
          chaos::writeJsonReport(OS, *Result, Linked, O.report);
        else
          chaos::writeTextReport(OS, *Result, Linked, O.report);
      })) {
    reportError(outputName(O.output) + ": " + llvm::toString(std::move(E)));
    return 2;
  }
  int Code = chaos::exitCode(*Result);
  KeepOrRemove(Code != 0);
  return Code;
}

} // namespace sa
