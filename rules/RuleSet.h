// From the merged facts of every TU to findings: builds the program model once, runs every
// rule's judge over it (rules/Registry.def lists them), and orders and fingerprints what they
// found. Levels are each rule's own (see rules/common/StateLadder.h for the shared ladder).
#pragma once

#include "facts/Finding.h"
#include "program/EntryPoints.h"
#include "program/Program.h"
#include "rules/common/StateLadder.h"

#include <string>
#include <vector>

namespace sa {

struct LinkOptions {
  EntryPointOptions entryPoints = EntryPointOptions::defaults();
  PoolBudget pools;
};

struct LinkResult {
  std::vector<Finding> findings;  // sorted with findingLess, fingerprints set
  std::vector<std::string> notes; // remarks about the analysis itself, for the summary
  unsigned entryPoints = 0;       // request entry points recognised
};

LinkResult link(const Program &P, const LinkOptions &Options = LinkOptions());

} // namespace sa
