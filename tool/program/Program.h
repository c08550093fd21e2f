// The whole program: the facts of every TU merged by id.
#pragma once

#include "facts/FactGroups.h"
#include "facts/Facts.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace sa {

struct Program {
  std::map<std::string, StateDecl> states;
  std::map<std::string, RecordFact> records;
  std::map<std::string, FunctionFact> functions;
  std::vector<Access> accesses;
  std::vector<CallEdge> calls;
  std::vector<CallableRef> callables;
  std::vector<FileOp> fileOps;
  std::vector<PoolFact> pools;
  std::vector<SuppressionComment> suppressions;
  std::vector<TUSummary> tus;
  std::set<std::string> instantiated; // records whose objects project code creates
  std::vector<Creation> creations;    // where it creates them

  const FunctionFact *function(const std::string &Id) const;
  const StateDecl *state(const std::string &Id) const;
  const RecordFact *record(const std::string &Id) const;
};

/// Merges per-TU facts. A declaration seen by several TUs (a header) becomes one entry; when
/// TUs disagree on details the choice is deterministic (smallest location, then the merged
/// lists sorted), so the result does not depend on TU order or on `-j`.
Program mergeFacts(const std::vector<TUFacts> &TUs);

/// The same merge over facts grouped by file (facts/FactGroups.h): `Groups` are the distinct
/// groups of all TUs, each once with the number of TUs that have it, in any order; `TUs` the
/// summaries of the TUs. Linear in the distinct groups: a header's facts shared by many TUs
/// are merged once, with the same result as merging every TU's copy.
Program linkGroups(std::vector<TUSummary> TUs, const std::vector<GroupUse> &Groups);
/// The same, with groups given away: their facts are moved into the program, not copied (a
/// scan links once and needs the groups no more).
Program linkGroups(std::vector<TUSummary> TUs, std::vector<OwnedGroup> Groups);

} // namespace sa
