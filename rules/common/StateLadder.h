// Where is this state written, and what does that make it? The ladder shared by every rule
// about a piece of state (global-variable, static-local, static-member, thread-local,
// member-state, captured-state, session-state, and singleton through its class's fields).
//
// Precedence, first match wins:
//   written while serving a request  → error; per-session data (session-state's), a value
//                                      carried between requests on a thread, and otherwise
//                                      note for per-thread scratch space, per-instance
//                                      metrics and caches of data that does not change
//   its address escapes              → warning (writes cannot be placed)
//   written by background work       → warning
//   written by code placed nowhere   → warning
//   written only at start-up         → note (configuration)
//   never written                    → note (could be const), or nothing for fields
// A rule reports the verdicts of the states it owns; session-state owns every per-session
// verdict at warning or error, the location rules the rest.
#pragma once

#include "facts/Finding.h"
#include "program/Model.h"
#include "rules/Registry.h"
#include "rules/common/Hints.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sa {

/// A downstream service named in the configuration: the pools that reach it share its limit.
struct Downstream {
  std::string name;
  std::optional<std::int64_t> limit; // default: the budget's downstreamLimit
  /// The pools that reach it: pool variables (`g_reads`), connection strings or hosts.
  std::vector<std::string> pools;
};

/// The connection budget of the deployment: for each downstream, max_instances x the sizes of
/// the pools that reach it must stay below its connection limit.
struct PoolBudget {
  std::optional<std::int64_t> maxInstances;
  std::optional<std::int64_t> downstreamLimit;
  std::vector<Downstream> downstreams;
};

struct StateVerdict {
  Level level = Level::Note;
  Phase phase = Phase::Startup;  // where the writes that decided it run
  bool perSession = false;       // holds per-session data
  bool requestWritten = false;   // some write runs while serving requests
  std::string chain;             // request writes: entry point → ... → the first write
  std::string message;           // empty for per-session request writes: session-state words them
  std::string hint;
  std::vector<Evidence> evidence;
  std::vector<Evidence> flow;    // the chain to the write that decided it, step by step
  StateUsage usage;
};

class JudgeContext {
public:
  JudgeContext(const Model &M, const PoolBudget &Pools) : M(M), Pools(Pools) {}

  const Model &model() const { return M; }
  const PoolBudget &pools() const { return Pools; }

  /// The ladder's verdict for a piece of state, or nullptr when it is not reported as itself
  /// (not state, a singleton's instance, a field of a short-lived object, unwritten fields).
  const StateVerdict *verdict(const std::string &StateId);
  /// session-state reports it (per-session data at warning or error).
  bool ownedBySessionRule(const std::string &StateId);

private:
  std::optional<StateVerdict> computeVerdict(const StateUse &U) const;
  StateUsage usageOf(const StateUse &U, const std::vector<const Access *> &RequestWrites,
                     const std::vector<const Access *> &AllWrites) const;
  bool isSessionState(const StateUse &U) const;
  bool carriedBetweenRequests(const StateUse &U) const;
  void addWriteEvidence(const StateDecl &D, const std::vector<const Access *> &Writes, Phase Ph,
                        StateVerdict &V) const;

  const Model &M;
  const PoolBudget &Pools;
  std::map<std::string, std::optional<StateVerdict>> Verdicts;
};

/// "mutable global 'g'", "field 'S::x' of a long-lived object", ... as messages name state.
std::string statePhrase(const StateDecl &D, bool Background = false);

/// The finding for a state's verdict under `Rule`, with the message given (or the verdict's).
Finding stateFinding(RuleId Rule, const StateDecl &D, const StateVerdict &V);

/// The per-instance caps a state is compared with (`sessions_.size() >= kMaxSessions`), as
/// notes of the rule that reports the state.
void capFindings(RuleId Rule, const Model &M, const StateUse &U, std::vector<Finding> &Out);

/// Reports every state `Owns` selects, under `Rule`, unless session-state reports it.
template <typename Pred>
void reportStates(RuleId Rule, JudgeContext &Ctx, Pred Owns, std::vector<Finding> &Out) {
  for (const auto &[Id, U] : Ctx.model().uses()) {
    if (!Owns(*U.decl) || Ctx.ownedBySessionRule(Id))
      continue;
    if (const StateVerdict *V = Ctx.verdict(Id)) {
      Out.push_back(stateFinding(Rule, *U.decl, *V));
      capFindings(Rule, Ctx.model(), U, Out);
    }
  }
}

} // namespace sa
