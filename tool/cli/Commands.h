// Subcommands of the state-audit program. Each returns the process exit code.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sa {

struct ScanOptions {
  std::vector<std::string> paths;
  std::string buildDir;
  std::string format = "text";
  std::string output;
  unsigned jobs = 0;
  std::string failOn = "error";
  std::vector<std::string> excludes;
  std::string root;
  bool allowCompileErrors = false;
  bool noSkipBodies = false;
  std::string color = "auto";
  std::string factsOut;
  std::vector<std::string> extraArgs;
};

int runScanCommand(const ScanOptions &Options);
int runRulesCommand();

/// Prints "state-audit: error: <message>" to stderr.
void reportError(const std::string &Message);
void reportWarning(const std::string &Message);

} // namespace sa
