#include "program/Model.h"

#include "program/Lifetime.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <deque>

namespace sa {

std::string shortName(const std::string &Qualified) {
  size_t Colons = Qualified.rfind("::");
  return Colons == std::string::npos ? Qualified : Qualified.substr(Colons + 2);
}

Model::Model(const Program &P, const EntryPointOptions &Options)
    : P(P), R(computeReachability(P, Options)), Calls(P),
      Infrastructure(Options.infrastructureClasses), Connections(Options.connectionClasses) {
  for (const Access &A : P.accesses)
    Uses[A.target].accesses.push_back(&A);
  for (const auto &[Id, D] : P.states)
    Uses[Id].decl = &D;
  for (auto It = Uses.begin(); It != Uses.end();)
    It = It->second.decl ? std::next(It) : Uses.erase(It);
  LongLived = longLivedRecords(P, R, Options, &WhyLongLived);
  if (const char *Debug = std::getenv("STATE_AUDIT_DEBUG_LIFETIME"))
    for (const std::string &Rec : LongLived)
      if (llvm::StringRef(Rec).contains(Debug))
        for (const std::string &Step : whyLongLived(Rec))
          llvm::errs() << "lifetime: " << Step << "\n";
  for (const auto &[Id, U] : Uses)
    for (const Access *A : writesOf(U))
      if (phaseOf(*A) == Phase::Request)
        WrittenOnRequest.insert(Id);
  for (const auto &[Id, F] : P.functions)
    if (!F.returnsStatic.empty())
      Accessors[F.returnsStatic].push_back(&F);
  // A file sink: a class named for writing files (a log sink, a file writer) that keeps a
  // stream or FILE* open. A server that merely holds a FILE* is no sink.
  for (const auto &[Id, D] : P.states)
    if (D.kind == StateKind::Field && D.shape == TypeShape::Stream)
      if (const RecordFact *R = P.record(D.owner))
        for (llvm::StringRef Word : {"sink", "log", "file", "writer", "appender", "journal"})
          if (llvm::StringRef(shortName(R->name)).contains_insensitive(Word)) {
            FileRecords.insert(D.owner);
            break;
          }
  for (const PoolFact &Pool : P.pools)
    if (!Pool.record.empty())
      PoolRecords.insert(Pool.record);
}

std::vector<std::string> Model::whyLongLived(const std::string &Record) const {
  std::vector<std::string> Out;
  std::set<std::string> Seen;
  for (std::string Cur = Record; Seen.insert(Cur).second;) {
    auto It = WhyLongLived.find(Cur);
    if (It == WhyLongLived.end())
      break;
    Out.push_back(Cur + ": " + It->second);
    size_t Space = It->second.rfind(' ');
    Cur = Space == std::string::npos ? std::string() : It->second.substr(Space + 1);
  }
  return Out;
}

bool Model::holdsConnections(const StateDecl &D) const {
  bool Any = false;
  for (llvm::StringRef W : identifiersIn(D.type)) {
    if (W.contains_insensitive("session"))
      return false; // a table of sessions is session state, whatever carries them
    Any |= Connections.matches(W, W);
  }
  return Any;
}

const StateUse *Model::use(const std::string &StateId) const {
  auto It = Uses.find(StateId);
  return It == Uses.end() ? nullptr : &It->second;
}

Phase Model::phaseOf(const std::string &Fn) const { return R.phaseOf(Fn); }

Phase Model::phaseOf(const Access &A) const {
  if (A.onThis && R.buildsOwnObject.count(A.function))
    return Phase::Construction;
  Phase Ph = R.phaseOf(A.function);
  // Background work started at start-up that sets something up and then tells its starter it
  // is ready (the starter waits): part of starting, done once.
  if (Ph == Phase::Background && A.beforeReady)
    return Phase::Startup;
  return Ph;
}

std::string Model::functionName(const std::string &Id) const {
  if (Id.empty())
    return "a namespace-scope initialiser";
  if (const FunctionFact *F = P.function(Id))
    return F->name;
  return "an unknown function";
}

std::string Model::chainText(const std::string &Fn, Phase Ph, const std::string &Op) const {
  std::vector<std::string> Fns = R.chain(Fn, Ph);
  std::string Out;
  for (size_t I = 0; I < Fns.size(); ++I) {
    std::string Name = functionName(Fns[I]);
    if (I == 0 && (Ph == Phase::Request || Ph == Phase::Construction))
      if (const EntryPoint *E = R.entryFor(Fns[I]))
        Name = E->description;
    if (Fns[I].empty() && Fns.size() > 1)
      continue;
    Out += (Out.empty() ? "" : " → ") + Name;
  }
  if (!Op.empty())
    Out += (Out.empty() ? "" : " → ") + Op;
  return Out;
}

std::vector<Evidence> Model::chainSteps(const std::string &Fn, Phase Ph, const std::string &Op,
                                        const SourceLoc &At) const {
  const std::map<std::string, Reached> *Set = nullptr;
  switch (Ph) {
  case Phase::Request: Set = &R.request; break;
  case Phase::Startup:
    Set = R.startup.count(Fn) || !R.background.count(Fn) ? &R.startup : &R.background;
    break;
  case Phase::Background: Set = &R.background; break;
  case Phase::Construction:
    Set = R.construction.count(Fn) || !R.buildsOwnObject.count(Fn) ? &R.construction : &R.request;
    break;
  case Phase::Teardown: Set = &R.teardown; break;
  case Phase::Configuration: Set = &R.configuration; break;
  case Phase::Unplaced: break;
  }
  std::vector<std::string> Fns = R.chain(Fn, Ph);
  std::vector<Evidence> Out;
  for (size_t I = 0; I < Fns.size(); ++I) {
    if (Fns[I].empty())
      continue; // a namespace-scope initialiser has no place of its own
    const FunctionFact *F = P.function(Fns[I]);
    if (Out.empty()) {
      const EntryPoint *E = Ph == Phase::Request ? R.entryFor(Fns[I]) : nullptr;
      if (E)
        Out.push_back({"request entry point: " + E->description, E->loc});
      else
        Out.push_back({std::string(Ph == Phase::Background ? "background work starts in "
                                   : Ph == Phase::Request  ? "request code starts in "
                                                           : "runs in ") +
                           functionName(Fns[I]),
                       F ? F->loc : SourceLoc()});
      continue;
    }
    SourceLoc Call;
    if (Set)
      if (auto It = Set->find(Fns[I]); It != Set->end())
        Call = It->second.at;
    Out.push_back({"calls " + functionName(Fns[I]), Call.valid() ? Call : F ? F->loc : SourceLoc()});
  }
  if (!Op.empty())
    Out.push_back({Op, At});
  return Out;
}

const EntryPoint *Model::entryOfChain(const std::string &Fn) const {
  std::vector<std::string> Chain = R.requestChain(Fn);
  return Chain.empty() ? nullptr : R.entryFor(Chain.front());
}

bool Model::inClassOrBases(const std::string &Record, const std::string &Class) const {
  std::set<std::string> Seen;
  std::deque<std::string> Queue{Class};
  while (!Queue.empty()) {
    std::string Cur = Queue.front();
    Queue.pop_front();
    if (!Seen.insert(Cur).second)
      continue;
    if (Cur == Record)
      return true;
    if (const RecordFact *Rec = P.record(Cur))
      for (const std::string &B : Rec->bases)
        Queue.push_back(B);
  }
  return false;
}

const std::vector<const FunctionFact *> &Model::accessorsOf(const std::string &StateId) const {
  static const std::vector<const FunctionFact *> None;
  auto It = Accessors.find(StateId);
  return It == Accessors.end() ? None : It->second;
}

std::vector<const Access *> Model::writesOf(const StateUse &U) const {
  std::vector<const Access *> Out;
  const StateDecl &D = *U.decl;
  for (const Access *A : U.accesses) {
    if (!isWrite(A->kind))
      continue;
    if (D.kind == StateKind::Field) {
      if (!A->throughThis)
        continue;
      const FunctionFact *F = P.function(A->function);
      if (F && F->isCtorOrDtor && F->record == D.owner)
        continue;
    }
    if (D.kind == StateKind::CapturedLocal && A->function == D.owner)
      continue;
    Out.push_back(A);
  }
  return Out;
}

} // namespace sa
