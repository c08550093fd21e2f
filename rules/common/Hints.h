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
  bool capped = false;              // compared with a per-instance cap
  bool idCounter = false;           // only incremented, its value handed out: an id sequence
  bool workQueue = false;           // requests add work, a worker takes it off
  bool threadLocal = false;
  std::string elementType;          // the record stored in a container, when known
};

std::string stateHint(const StateDecl &D, const StateUsage &U);

/// Hint for a filesystem write.
std::string fileHint(const FileOp &Op);

} // namespace sa
