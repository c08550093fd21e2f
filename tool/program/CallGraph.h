// The project's call graph as plain data: direct call edges in the order extraction saw them.
// Used for "what may this function run" questions (a cache miss's code, a writer's callees).
// Reachability from entry points and main() (with virtual dispatch and handed-over callables)
// is Phases.h's walk over the same facts.
#pragma once

#include "program/Program.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace sa {

class CallGraph {
public:
  explicit CallGraph(const Program &P);

  /// `Fn` and the functions it reaches by direct calls, breadth first, stopping once `Limit`
  /// functions are known (a bound on what one question may cost in a large program).
  std::set<std::string> closure(const std::string &Fn, size_t Limit = 200) const;

private:
  std::map<std::string, std::vector<std::string>> Callees;
};

} // namespace sa
