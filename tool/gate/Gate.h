// The gate: does this scan pass? Counts only what is neither suppressed nor in the baseline.
#pragma once

#include "facts/Finding.h"
#include "facts/Facts.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sa {

struct GateResult {
  std::optional<Level> failOn; // nullopt: never fail on findings
  bool failed = false;
  unsigned failing = 0;        // findings at or above failOn that count
  std::map<std::string, unsigned> failingByRule;
  unsigned suppressed = 0;
  unsigned baselined = 0;
  bool incomplete = false;     // a TU failed, or had compile errors that were not allowed
};

/// True when a finding counts for the gate (not suppressed, not unchanged from the baseline).
bool countsForGate(const Finding &F);

GateResult evaluateGate(const std::vector<Finding> &Findings,
                        const std::vector<TUSummary> &TUs, std::optional<Level> FailOn,
                        bool AllowCompileErrors);

/// Exit code per DESIGN.md: 3 incomplete, 1 gate failed, 0 passed.
int exitCodeFor(const GateResult &G);

} // namespace sa
