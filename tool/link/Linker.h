// Link: from the merged facts of every TU to findings.
//
// Levels (DESIGN.md): state written on a request path is an `error` (with the chain from the
// entry point); state written only at start-up, never written, locks aside, per-instance
// metrics, per-thread scratch space and caches of data that does not change are `note`s;
// state whose writes cannot be placed (the address escapes, background work started at
// start-up, code reached from neither a handler nor main) is a `warning`.
#pragma once

#include "link/EntryPoints.h"
#include "link/Finding.h"
#include "link/Program.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sa {

/// The connection budget of the deployment: max_instances x pool_size must stay below the
/// downstream service's connection limit.
struct PoolBudget {
  std::optional<std::int64_t> maxInstances;
  std::optional<std::int64_t> downstreamLimit;
};

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

/// Assigns each finding its fingerprint: a hash of rule, path and symbol (plus an ordinal for
/// findings that share all three), independent of line numbers so it survives moved code.
void assignFingerprints(std::vector<Finding> &Findings);

} // namespace sa
