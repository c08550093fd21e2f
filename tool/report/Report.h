// What every report format renders: findings, the TUs, the gate, remarks. Plain data.
#pragma once

#include "gate/Gate.h"
#include "facts/Finding.h"
#include "facts/Facts.h"
#include "review/LibraryCode.h"
#include "support/Paths.h"
#include "rules/connection-pool/ConnectionPoolBudget.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace sa {

struct ScanReport {
  ProjectPaths paths;             // for reading source lines and naming the root
  std::vector<Finding> findings;  // sorted (reportLess); suppressed ones marked
  std::vector<Finding> absent;    // baseline results no longer found
  std::vector<TUSummary> tus;     // sorted by file
  std::vector<std::string> notes; // remarks about the analysis
  GateResult gate;
  unsigned entryPoints = 0;
  std::vector<DownstreamBudget> budgets; // connection pools grouped by downstream
  std::vector<LibraryScope> libraryCode;  // what the TUs read that is library code
};

/// "'g_reads' 15 + 'g_writes' 15": a downstream's pools and their sizes.
std::string budgetPools(const DownstreamBudget &B);
/// "10 × 30 = 300 of 200: exceeded", "size unknown", ...: a downstream's budget in one line.
std::string budgetVerdict(const DownstreamBudget &B);
/// "'g_reads' 4, 'g_writes' 4": the largest safe size of each pool, the others unchanged.
std::string budgetSafeSizes(const DownstreamBudget &B);
/// The budget per downstream as a markdown table.
void writeBudgetTable(llvm::raw_ostream &OS, const std::vector<DownstreamBudget> &Budgets);

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
  /// Results below this level are left out: code scanning shows every result as an open
  /// alert, and a note is "not a problem". `--sarif-level note` includes them.
  Level minLevel = Level::Warning;
};

/// The elements of a `libraryCode` array (JSON report, SARIF run properties): `path` (a
/// folder ending in '/', or a file), `reason`, `files` (how many files under it were read).
void writeLibraryCode(llvm::json::OStream &J, const std::vector<LibraryScope> &Scopes);

void writeText(llvm::raw_ostream &OS, const ScanReport &R, const TextOptions &Options);
void writeJson(llvm::raw_ostream &OS, const ScanReport &R);
/// The findings of a JSON report (writeJson's), for `explain`. Unknown fields are ignored.
llvm::Expected<std::vector<Finding>> readJsonReport(llvm::StringRef Text);
void writeSarif(llvm::raw_ostream &OS, const ScanReport &R, const SarifOptions &Options);
struct MarkdownOptions {
  /// The summary stays below this many bytes (GitHub takes 65,536 characters in a comment):
  /// the table, the errors in full, then as much of the rest as fits; the others are counted.
  size_t maxBytes = 60000;
  /// Where the full report is (a URL or the name of a CI artifact), named when findings are
  /// left out.
  std::string fullReport;
};

/// A summary for a pull-request comment or a CI job summary.
void writeMarkdown(llvm::raw_ostream &OS, const ScanReport &R,
                   const MarkdownOptions &Options = MarkdownOptions());
/// GitLab's code quality report (a subset of the Code Climate format).
void writeCodeQuality(llvm::raw_ostream &OS, const ScanReport &R);

} // namespace sa
