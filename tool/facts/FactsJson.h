// JSON form of facts: the cache entries and the `--facts-out` files of sharded scans.
#pragma once

#include "facts/Facts.h"
#include "facts/Finding.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace sa {

/// Bumped whenever the facts layout or meaning changes; older files are rejected, not misread.
inline constexpr int FactsFormatVersion = 6; // 2: typed access operations; 3: pools' downstream, file writes' store, headers outside the root; 4: database handles and statements; 5: call receivers, accesses on the function's own object and before a readiness signal; 6: creations made once into an empty member

llvm::json::Value toJSON(const SourceLoc &);
llvm::json::Value toJSON(const TUFacts &);
/// The text of toJSON(F), written without building it or any json::Value: a TU with 80 000
/// functions held as one JSON tree took some 8 KB a function, and printed element by element
/// through llvm::json it took longer to write than clang took to parse it.
void writeFactsJson(llvm::raw_ostream &OS, const TUFacts &F);

/// Reads facts written by toJSON. Errors name the offending path inside the document.
llvm::Expected<TUFacts> tuFactsFromJSON(const llvm::json::Value &);

// The parts the cache keeps on their own: a TU's summary (status and errors), and what the
// link cache holds besides findings (suppression comments, pools).
llvm::json::Value toJSON(const TUSummary &);
bool fromJSON(const llvm::json::Value &, TUSummary &, llvm::json::Path);
llvm::json::Value toJSON(const SuppressionComment &);
bool fromJSON(const llvm::json::Value &, SuppressionComment &, llvm::json::Path);
llvm::json::Value toJSON(const PoolFact &);
bool fromJSON(const llvm::json::Value &, PoolFact &, llvm::json::Path);
llvm::json::Value toJSON(const Finding &);
bool fromJSON(const llvm::json::Value &, Finding &, llvm::json::Path);

/// A facts file (`scan --facts-out`): the facts of several TUs and the project root they are
/// relative to, for `merge`.
struct FactsFile {
  std::string root;
  std::vector<TUFacts> tus;
  unsigned shard = 1;  // K of `--shard K/N` (1/1 for a whole scan)
  unsigned shards = 1; // N
  std::string scan;    // identity of the scan the shards come from (see ScanCommand)
  std::string extraction; // hash of the configuration that decided the facts ("" if unknown)
};
llvm::json::Value factsFileToJSON(const FactsFile &F);
llvm::Expected<FactsFile> factsFileFromJSON(const llvm::json::Value &);

} // namespace sa
