// What every report format renders: findings, the TUs, the gate, remarks. Plain data.
#pragma once

#include "gate/Gate.h"
#include "facts/Finding.h"
#include "facts/Facts.h"
#include "support/Paths.h"

#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace sa {

struct ScanReport {
  ProjectPaths paths;             // for reading source lines and naming the root
  std::vector<Finding> findings;  // sorted (findingLess); suppressed ones marked
  std::vector<Finding> absent;    // baseline results no longer found
  std::vector<TUSummary> tus;     // sorted by file
  std::vector<std::string> notes; // remarks about the analysis
  GateResult gate;
  unsigned entryPoints = 0;
};

/// Counts per level of the findings that are not suppressed.
struct LevelCounts {
  unsigned error = 0, warning = 0, note = 0;
  unsigned total() const { return error + warning + note; }
  void add(Level L);
};

struct TextOptions {
  bool color = false;
};

struct SarifOptions {
  bool includeSuppressed = false; // keep suppressed results, with suppressions[]
  /// List baseline results that are gone, as results with baselineState "absent". Off by
  /// default: GitHub code scanning ignores baselineState and would show them as open alerts.
  bool includeAbsent = false;
  std::string automationId = "state-audit/";
};

void writeText(llvm::raw_ostream &OS, const ScanReport &R, const TextOptions &Options);
void writeJson(llvm::raw_ostream &OS, const ScanReport &R);
void writeSarif(llvm::raw_ostream &OS, const ScanReport &R, const SarifOptions &Options);
/// A summary for a pull-request comment or a CI job summary.
void writeMarkdown(llvm::raw_ostream &OS, const ScanReport &R);
/// GitLab's code quality report (a subset of the Code Climate format).
void writeCodeQuality(llvm::raw_ostream &OS, const ScanReport &R);

} // namespace sa
