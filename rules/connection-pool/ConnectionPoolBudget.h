// The connection budget per downstream: the pools that reach the same downstream service (the
// same host in their connection strings, the same configured name, or listed under one
// downstream in the configuration) share its connection limit, and every instance opens all
// of them: max_instances x (the sum of their sizes) must stay below the limit.
#pragma once

#include "facts/Facts.h"
#include "rules/common/StateLadder.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sa {

struct PoolShare {
  std::string poolId;
  std::string name;    // the variable or field holding it, else its type
  SourceLoc loc;
  std::optional<std::int64_t> size;
  /// The largest size this pool can have, the others unchanged, with the total still below
  /// the limit (0: the others alone use the budget up); unset without a complete budget.
  std::optional<std::int64_t> largestSafe;
};

struct DownstreamBudget {
  std::string name;   // "db.internal:5432", "cfg.db_url", or the configured name
  std::string source; // how the pools were grouped: "configured", "connection string",
                      // "expression", "pool"
  std::vector<PoolShare> pools;
  std::optional<std::int64_t> maxInstances;
  std::optional<std::int64_t> limit;
  bool sizesKnown = true;       // every pool has a constant size
  bool sizesValid = true;       // no constant size is negative (no pool can have one)
  std::int64_t perInstance = 0; // the sum of the sizes
  std::int64_t total = 0;       // maxInstances x perInstance (when known and no overflow)
  bool overflows = false;
  /// Known sizes, max-instances and a limit: the budget can be checked.
  bool checked() const { return sizesKnown && sizesValid && maxInstances && limit; }
  bool exceeded() const { return checked() && (overflows || total >= *limit); }
};

/// The downstream a connection string names: its host and port ("postgresql://u@db:5432/x",
/// "host=db port=5432 dbname=x", "tcp://db:6379", "db:5432"), else the string itself.
std::string downstreamOf(llvm::StringRef ConnectionString);

/// Groups the program's pools by downstream and checks each group against its limit. Sorted
/// by name; each group's pools by location.
std::vector<DownstreamBudget> downstreamBudgets(const std::vector<PoolFact> &Pools,
                                                const PoolBudget &Budget);

} // namespace sa
