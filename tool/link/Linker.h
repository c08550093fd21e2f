// Link: from the merged facts of every TU to findings.
#pragma once

#include "link/Finding.h"
#include "link/Program.h"

#include <string>
#include <vector>

namespace sa {

struct LinkResult {
  std::vector<Finding> findings; // sorted with findingLess, fingerprints set
  std::vector<std::string> notes; // remarks about the analysis itself, for the summary
};

LinkResult link(const Program &P);

/// Assigns each finding its fingerprint: a hash of rule, path and symbol (plus an ordinal for
/// findings that share all three), independent of line numbers so it survives moved code.
void assignFingerprints(std::vector<Finding> &Findings);

} // namespace sa
