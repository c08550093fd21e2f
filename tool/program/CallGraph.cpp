#include "program/CallGraph.h"

#include <deque>

namespace sa {

CallGraph::CallGraph(const Program &P) {
  for (const CallEdge &C : P.calls)
    Callees[C.caller].push_back(C.callee);
}

std::set<std::string> CallGraph::closure(const std::string &Fn, size_t Limit) const {
  std::set<std::string> Seen{Fn};
  std::deque<std::string> Queue{Fn};
  while (!Queue.empty() && Seen.size() < Limit) {
    std::string Cur = Queue.front();
    Queue.pop_front();
    auto It = Callees.find(Cur);
    if (It == Callees.end())
      continue;
    for (const std::string &C : It->second)
      if (Seen.insert(C).second)
        Queue.push_back(C);
  }
  return Seen;
}

} // namespace sa
