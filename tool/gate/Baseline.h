// The baseline: an earlier SARIF report whose results are accepted. A finding whose
// fingerprint (rule, file, symbol; no line numbers) is in it is `unchanged` and does not fail
// the gate; others are `new`; baseline results no longer found are `absent`, so a team sees
// what it fixed. --baseline-path-map OLD=NEW matches results across renamed paths.
#pragma once

#include "facts/Finding.h"

#include "llvm/Support/Error.h"

#include <string>
#include <utility>
#include <vector>

namespace sa {

struct BaselineResult {
  std::string rule;
  std::string symbol;
  std::string message;
  std::string fingerprint; // as stored
  Level level = Level::Warning;
  SourceLoc loc;
};

/// Reads the results of a SARIF file written by state-audit (other tools' results and results
/// already `absent` are skipped). Errors name the file and the problem.
/// Baselines larger than this are refused: 32 MB is some 8,000 results, where the largest
/// server of the development set has about 400. The log is read result by result, never as one
/// JSON tree, so it costs about its own size in memory (bench/memory.py --baseline-mb).
inline constexpr uint64_t MaxBaselineBytes = 32ull << 20;

/// Reads this tool's results from a SARIF log. Runs of other tools are skipped with a line in
/// `Warnings` (when given); a log without any state-audit run is an error.
llvm::Expected<std::vector<BaselineResult>> loadBaseline(llvm::StringRef SarifPath,
                                                         std::vector<std::string> *Warnings = nullptr);
/// Same, from memory (`SarifPath` names it in messages).
llvm::Expected<std::vector<BaselineResult>> parseBaseline(llvm::StringRef Content,
                                                          llvm::StringRef SarifPath,
                                                          std::vector<std::string> *Warnings = nullptr);

/// Path prefixes to rewrite in baseline locations: {"old/dir", "new/dir"}.
using PathMap = std::vector<std::pair<std::string, std::string>>;

/// Parses "OLD=NEW".
llvm::Expected<std::pair<std::string, std::string>> parsePathMapping(llvm::StringRef Text);

/// Sets baselineState on every finding and returns the baseline results that are gone, as
/// findings in state `absent`.
std::vector<Finding> applyBaseline(std::vector<Finding> &Findings,
                                   const std::vector<BaselineResult> &Baseline,
                                   const PathMap &Map = {});

} // namespace sa
