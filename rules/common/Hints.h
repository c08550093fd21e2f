// Migration hints: where a piece of state should move, fitted to its type and to what the
// code does with it (the operations seen, whether it is a cache, a counter, session data).
#pragma once

#include "facts/Facts.h"

#include <set>
#include <string>

namespace sa {

struct StateUsage {
  std::set<std::string> operations; // mutating calls and operators seen: "emplace", "erase"
  bool incremented = false;         // ++, +=, fetch_add
  bool session = false;             // holds per-session data
  bool cache = false;               // looked up, then filled on a miss
  bool cacheOfDerivedData = false;  // ... from data that does not change while serving
  bool metric = false;              // counted, never deciding a response
  bool gauge = false;               // ... counted up and down: a current count of this instance's things
  bool counterBlock = false;        // ... an object made only of counters, read back as statistics
  bool capped = false;              // compared with a per-instance cap
  bool idCounter = false;           // only incremented, its value handed out: an id sequence
  bool workQueue = false;           // requests add work, a worker takes it off
  bool lifecycleFlag = false;       // running_/done: whether this instance's own work runs
  bool threadLocal = false;
  std::string inMemoryDatabase;     // the library of the in-memory database it holds ("SQLite")
  std::string elementType;          // the record stored in a container, when known
};

/// The hint by what the state holds: data that can move to a shared store (Redis, a database),
/// resources of this process that cannot (threads, callables, sockets: keep the work
/// stateless or on a job queue, store only data), or a cache (share it or keep it local).
std::string stateHint(const StateDecl &D, const StateUsage &U);

/// The process-bound resources a state's type holds ("threads", "callables", "futures",
/// "sockets", "locks"), or empty when it holds data.
std::string heldResource(const StateDecl &D);

/// Hint for a filesystem write.
std::string fileHint(const FileOp &Op);

} // namespace sa
