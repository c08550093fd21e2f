// From linked findings to what is reported and gated: the configuration's rule switches and
// level overrides, inline suppressions, fingerprints, the baseline, and the gate. Shared by
// `scan` and `merge`, so both report exactly the same thing for the same facts.
#pragma once

#include "config/Config.h"
#include "gate/Baseline.h"
#include "gate/Gate.h"
#include "program/Program.h"
#include "review/LibraryCode.h"
#include "rules/RuleSet.h"

#include <optional>
#include <string>
#include <vector>

namespace sa {

struct ReviewOptions {
  Config config;
  std::optional<Level> failOn = Level::Error;
  bool allowCompileErrors = false;
  std::optional<std::vector<BaselineResult>> baseline;
  PathMap baselinePathMap;
};

struct Review {
  std::vector<Finding> findings; // sorted; suppressed ones included (marked)
  std::vector<Finding> absent;   // baseline results no longer found
  std::vector<std::string> notes;
  GateResult gate;
  unsigned entryPoints = 0;
  /// Findings dropped because they lie in library code: per file, with the reason.
  struct LibraryFile {
    std::string file;
    std::string why;
    unsigned findings = 0;
  };
  std::vector<LibraryFile> libraryCode; // sorted by file
  /// The library code the TUs read, by folder or file (whether it had findings or not).
  std::vector<LibraryScope> libraryScopes;
};

/// What review and the reports need of a linked program: the judges' result and the facts
/// read after the link. The cache keeps it, so a scan in which nothing changed links nothing.
struct LinkedProgram {
  LinkResult link;
  std::vector<SuppressionComment> suppressions;
  std::vector<PoolFact> pools;
  std::vector<TUSummary> tus;
};

/// Runs the judges on the program with the configuration's link options.
LinkedProgram linkProgram(const Program &P, const Config &C);

/// What changes linkProgram's result besides the program: the configuration's entry points,
/// pools and library knowledge (a key for the linked-result cache).
std::string linkSalt(const Config &C);

/// The JSON text the linked-result cache keeps (without `tus`: they are the scan's), and
/// back; nullopt when the text is not such a document.
std::string linkedToJSON(const LinkedProgram &L);
std::optional<LinkedProgram> linkedFromJSON(llvm::StringRef Text);

/// `Library` (when given) decides which files are library code; their findings are dropped
/// and counted, and the summary says where.
Review review(const LinkedProgram &L, const ReviewOptions &Options, LibraryCode *Library = nullptr);
Review review(const Program &P, const ReviewOptions &Options, LibraryCode *Library = nullptr);

} // namespace sa
