// `state-audit chaos`: runs the user's server on several instances behind HAProxy, kills the
// one serving an MCP session mid-session and reports what the session lost (tool/chaos/).
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace sa {

struct ChaosCommandOptions {
  std::string server;
  unsigned instances = 3;
  std::string lb = "round-robin";
  std::string stepsFile;
  std::string killAt;       // a step number or name; empty: the middle
  std::string format = "text";
  std::string output;
  std::string report;       // a scan's JSON report
  std::string healthPath;
  std::string mcpPath;      // empty: the transport's default
  std::string transport = "auto";
  std::string workDir;
  std::string haproxy;
  unsigned startTimeout = 20;
  bool quiet = false;
};

/// Declares the subcommand and its options on `App`.
CLI::App *addChaosCommand(CLI::App &App, ChaosCommandOptions &Options);
int runChaosCommand(const ChaosCommandOptions &Options);

} // namespace sa
