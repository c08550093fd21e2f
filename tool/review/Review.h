// From linked findings to what is reported and gated: the configuration's rule switches and
// level overrides, inline suppressions, fingerprints, the baseline, and the gate. Shared by
// `scan` and `merge`, so both report exactly the same thing for the same facts.
#pragma once

#include "config/Config.h"
#include "gate/Baseline.h"
#include "gate/Gate.h"
#include "program/Program.h"
#include "review/LibraryCode.h"

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
};

/// `Library` (when given) decides which files are library code; their findings are dropped
/// and counted, and the summary says where.
Review review(const Program &P, const ReviewOptions &Options, LibraryCode *Library = nullptr);

} // namespace sa
