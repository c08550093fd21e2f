// Subcommands of the state-audit program. Each returns the process exit code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sa {

struct ReportOptions {
  std::string format = "text"; // text, json, sarif, markdown, codequality
  std::string output;
  std::string failOn;          // empty: the configuration's, else "error"
  bool allowCompileErrors = false;
  std::string color = "auto";
  std::string configFile;
  std::string baseline;
  std::vector<std::string> baselinePathMap;
  bool sarifIncludeSuppressed = false;
  bool sarifIncludeAbsent = false;
  std::string sarifLevel = "warning"; // the lowest level written to SARIF
  size_t markdownLimit = 60000;       // bytes
  std::string fullReport;             // named by the markdown summary
  bool quiet = false;                 // no remarks on standard error (scan -q)
};

struct ScanOptions {
  std::vector<std::string> paths;
  std::string buildDir;
  unsigned jobs = 0;
  std::vector<std::string> excludes;
  std::string root;
  bool noSkipBodies = false;
  std::string factsOut;
  std::vector<std::string> extraArgs;
  std::string cacheDir;   // default: .state-audit-cache in the build directory
  bool noCache = false;
  uint64_t cacheMaxSize = uint64_t(5) << 30; // bytes; 0: no limit
  std::string shard;      // "K/N"
  bool verbose = false;
  ReportOptions report;
};

struct MergeOptions {
  std::vector<std::string> factsFiles;
  std::string root; // default: the root the facts were extracted under
  ReportOptions report;
};

int runScanCommand(const ScanOptions &Options);
int runMergeCommand(const MergeOptions &Options);
int runRulesCommand();
/// `explain TARGET`: a rule's page, or the findings TARGET names in a JSON report.
int runExplainCommand(const std::string &Target, const std::string &ReportFile);
int runConfigCommand(const std::string &ConfigFile, const std::string &Start, bool Dump);

/// Prints "state-audit: error: <message>" to stderr.
void reportError(const std::string &Message);
void reportWarning(const std::string &Message);

} // namespace sa
