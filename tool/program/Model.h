// The program model: what every rule asks of the merged facts, computed once and free of any
// rule's judgement. Where code runs (phases from entry points and main), which objects outlive
// a request, every piece of state with what is done to it, which writes count, how to name a
// function or a chain of calls.
#pragma once

#include "program/CallGraph.h"
#include "program/EntryPoints.h"
#include "program/Phases.h"
#include "program/Program.h"
#include "facts/Finding.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace sa {

/// One piece of state and everything done to it, in facts order.
struct StateUse {
  const StateDecl *decl = nullptr;
  std::vector<const Access *> accesses;
};

class Model {
public:
  Model(const Program &P, const EntryPointOptions &Options);

  const Program &program() const { return P; }
  const Reachability &reachability() const { return R; }

  /// Every piece of state with a declaration, by id, with its accesses.
  const std::map<std::string, StateUse> &uses() const { return Uses; }
  const StateUse *use(const std::string &StateId) const;

  // --- where code runs ------------------------------------------------------------------
  Phase phaseOf(const std::string &Fn) const;
  /// When an access happens: its function's phase, except that what a request does to an
  /// object it is still building (before handing it on) is construction.
  Phase phaseOf(const Access &A) const;
  /// `Fn` and what it calls directly, transitively (bounded).
  std::set<std::string> calleesOf(const std::string &Fn) const { return Calls.closure(Fn); }
  /// The display name of a function id ("a namespace-scope initialiser" for the empty id).
  std::string functionName(const std::string &Id) const;
  /// "handler 'remember' (add_tool) → save_note → g_notes.push_back()": from the start of the
  /// phase to `Fn`, then `Operation` when not empty.
  std::string chainText(const std::string &Fn, Phase Ph, const std::string &Operation) const;
  /// The same chain as steps with locations: where the phase starts (the entry point's
  /// registration, or the first function), each call site on the way, then `Operation` at
  /// `At` when `Operation` is not empty.
  std::vector<Evidence> chainSteps(const std::string &Fn, Phase Ph, const std::string &Operation,
                                   const SourceLoc &At) const;
  /// The entry point a request chain to `Fn` starts from, if any.
  const EntryPoint *entryOfChain(const std::string &Fn) const;

  // --- objects ----------------------------------------------------------------------------
  bool isLongLived(const std::string &Record) const { return LongLived.count(Record) != 0; }
  /// Why objects of `Record` outlive a request, from the root that holds them down to it
  /// ("held by g_server → held by r:Server"); empty when they do not.
  std::vector<std::string> whyLongLived(const std::string &Record) const;
  /// A connection pool's class: its fields are the pool's own bookkeeping.
  bool isPoolRecord(const std::string &Record) const { return PoolRecords.count(Record) != 0; }
  /// Instance infrastructure: a worker pool or executor (it queues callables for its threads),
  /// or a class the knowledge names a thread pool, timer, logger or log sink.
  bool isInfrastructure(const std::string &Record) const {
    const RecordFact *R = P.record(Record);
    return R && (R->queuesWork || Infrastructure.matches(R->name));
  }
  /// The state's type holds live connections, sockets or listeners (a class of the knowledge's
  /// `connection` infrastructure anywhere in it) and no session: bound to this instance by the
  /// transport.
  bool holdsConnections(const StateDecl &D) const;
  /// A file sink (a log sink, a file writer keeping a stream open): its writes are file writes.
  bool writesFiles(const std::string &Record) const { return FileRecords.count(Record) != 0; }
  /// `Record` is `Class` or one of its bases, transitively.
  bool inClassOrBases(const std::string &Record, const std::string &Class) const;
  /// The functions that return a reference or pointer to this static state (accessors).
  const std::vector<const FunctionFact *> &accessorsOf(const std::string &StateId) const;
  /// States with at least one accessor, by id.
  const std::map<std::string, std::vector<const FunctionFact *>> &accessors() const {
    return Accessors;
  }

  // --- writes -----------------------------------------------------------------------------
  /// The writes that count for a piece of state: through the object for fields (not in its own
  /// constructors or destructor), by code other than the owner for captured locals.
  std::vector<const Access *> writesOf(const StateUse &U) const;
  /// Some request code writes it.
  bool writtenOnRequest(const std::string &StateId) const {
    return WrittenOnRequest.count(StateId) != 0;
  }

private:
  const Program &P;
  Reachability R;
  CallGraph Calls;
  std::map<std::string, StateUse> Uses;
  std::map<std::string, std::string> WhyLongLived;
  std::set<std::string> LongLived;
  std::set<std::string> PoolRecords;
  std::set<std::string> FileRecords;
  NamePatterns Infrastructure;
  NamePatterns Connections;
  std::set<std::string> WrittenOnRequest;
  std::map<std::string, std::vector<const FunctionFact *>> Accessors;
};

/// How an access reads in a message: "sessions_.emplace()", "++hits", "&g_log passed to init".
std::string describeAccess(const StateDecl &D, const Access &A);

/// The last component of a qualified name: "Server::sessions_" → "sessions_".
std::string shortName(const std::string &Qualified);

} // namespace sa
