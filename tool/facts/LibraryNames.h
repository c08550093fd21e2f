// The knowledge's class-name lists, compiled once: clients of external stores and connection
// pools. Plain C++ so that extraction and tests read them alike.
#pragma once

#include "facts/Knowledge.h"
#include "facts/NamePatterns.h"

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace sa {

/// Store clients: Redis, database and HTTP clients, RPC stubs and channels.
class StoreClientNames {
public:
  explicit StoreClientNames(const std::vector<StoreClient> &Clients);
  /// Whether a class or typedef of this unqualified name is a client. `Library`: it is
  /// declared in library or system code; the project's own classes count only through
  /// entries marked `project-classes` (its `Connection` may well keep per-connection buffers).
  bool matches(llvm::StringRef Name, bool Library) const;
  /// The shipped knowledge's.
  static const StoreClientNames &builtin();

private:
  NamePatterns Any, LibraryOnly;
};

/// Connection pools by class name (lowercased, unqualified), and what is a pool of something
/// else (threads, memory, buffers).
class PoolClassNames {
public:
  PoolClassNames(const std::vector<PoolClass> &Pools, const std::vector<std::string> &NotPools);
  /// The entry a class of this name matches, or null: it is no connection pool.
  const PoolClass *match(llvm::StringRef Name) const;

private:
  std::vector<PoolClass> Pools;
  std::vector<NamePatterns> Patterns; // one per pool entry
  NamePatterns Not;
};

} // namespace sa
