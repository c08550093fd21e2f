#include "link/Linker.h"

#include "link/Hints.h"
#include "link/Reachability.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <tuple>

namespace sa {

namespace {

enum class Phase { Request, Background, Unplaced, Startup };

bool nameMentionsSession(llvm::StringRef S) { return S.contains_insensitive("session"); }

llvm::StringRef shortName(llvm::StringRef Qualified) {
  size_t Colons = Qualified.rfind("::");
  return Colons == llvm::StringRef::npos ? Qualified : Qualified.drop_front(Colons + 2);
}

const char *locationRule(const StateDecl &D) {
  if (D.threadLocal)
    return "thread-local";
  switch (D.kind) {
  case StateKind::Global: return "global-variable";
  case StateKind::StaticLocal: return "static-local";
  case StateKind::StaticMember: return "static-member";
  case StateKind::Field: return "member-state";
  case StateKind::CapturedLocal: return "captured-state";
  }
  return "global-variable";
}

std::string kindPhrase(const StateDecl &D, bool Background = false) {
  std::string Q = "'" + D.name + "'";
  if (D.threadLocal)
    return "thread_local " + Q;
  const char *Into = Background ? "background work" : "a handler";
  switch (D.kind) {
  case StateKind::Global: return "mutable global " + Q;
  case StateKind::StaticLocal: return "function-local static " + Q;
  case StateKind::StaticMember: return "static data member " + Q;
  case StateKind::Field:
    return D.reference ? "field " + Q + " (a reference to state owned elsewhere) of a long-lived object"
                       : "field " + Q + " of a long-lived object";
  case StateKind::CapturedLocal:
    if (D.closureCopy)
      return std::string("closure state ") + Q + " of a " +
             (Background ? "background lambda" : "handler lambda");
    if (D.reference)
      return "parameter " + Q + " (a reference to its caller's state), captured by reference into " + Into + ",";
    return "local " + Q + ", captured by reference into " + std::string(Into) + ",";
  }
  return Q;
}

/// One piece of state and everything done to it.
struct Use {
  const StateDecl *decl = nullptr;
  std::vector<const Access *> accesses;
};

class Linker {
public:
  Linker(const Program &P, const LinkOptions &O)
      : P(P), R(computeReachability(P, O.entryPoints)), Options(O) {}

  LinkResult run() {
    LinkResult Out;
    Out.entryPoints = static_cast<unsigned>(R.entries.size());
    for (const std::string &E : R.patternErrors)
      Out.notes.push_back("entry-point configuration: " + E);
    if (R.noEntryPoints && !P.functions.empty())
      Out.notes.push_back(
          "no request entry points were recognised (handler registrations, handler "
          "overrides, configured entry points): every function outside the start-up path of "
          "main() is treated as request code");

    for (const Access &A : P.accesses)
      Uses[A.target].accesses.push_back(&A);
    for (auto &[Id, D] : P.states)
      Uses[Id].decl = &D;
    computeLongLived();
    computeWrittenOnRequest();
    for (const auto &[Id, F] : P.functions)
      if (!F.returnsStatic.empty())
        SingletonOf[F.returnsStatic].push_back(&F);
    for (const PoolFact &Pool : P.pools)
      if (!Pool.record.empty())
        PoolRecords.insert(Pool.record);

    for (auto &[Id, U] : Uses)
      if (U.decl)
        judge(U);
    judgeSingletons();
    for (const FileOp &Op : P.fileOps)
      judgeFile(Op);
    for (const PoolFact &Pool : P.pools)
      judgePool(Pool);

    Out.findings = std::move(Findings);
    std::sort(Out.findings.begin(), Out.findings.end(), findingLess);
    assignFingerprints(Out.findings);
    return Out;
  }

private:
  // --- where code runs ------------------------------------------------------------------

  Phase phaseOf(const std::string &Fn) const {
    if (R.isRequest(Fn))
      return Phase::Request;
    if (R.isStartup(Fn))
      return Phase::Startup;
    if (R.isBackground(Fn))
      return Phase::Background;
    return Phase::Unplaced;
  }

  std::string functionName(const std::string &Id) const {
    if (Id.empty())
      return "a namespace-scope initialiser";
    if (const FunctionFact *F = P.function(Id))
      return F->name;
    return "an unknown function";
  }

  /// "handler 'remember' (add_tool) -> save_note -> g_notes.push_back()"
  std::string chainText(const std::string &Fn, Phase Ph, const std::string &Op) const {
    std::vector<std::string> Fns = Ph == Phase::Request      ? R.requestChain(Fn)
                                   : Ph == Phase::Startup    ? R.startupChain(Fn)
                                   : Ph == Phase::Background ? R.backgroundChain(Fn)
                                                             : std::vector<std::string>{Fn};
    std::string Out;
    for (size_t I = 0; I < Fns.size(); ++I) {
      std::string Name = functionName(Fns[I]);
      if (I == 0 && Ph == Phase::Request)
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

  /// Splits "path.marker" where the marker is what extraction appended after the path.
  static std::pair<std::string, std::string> splitMarker(llvm::StringRef Detail,
                                                         llvm::StringRef Marker) {
    size_t At = Detail.rfind(Marker);
    if (At == llvm::StringRef::npos)
      return {Detail.str(), ""};
    llvm::StringRef Path = Detail.take_front(At);
    Path.consume_back(".");
    return {Path.str(), Detail.drop_front(At + Marker.size()).str()};
  }

  static std::string operation(const StateDecl &D, const Access &A) {
    std::string Name = shortName(D.name).str();
    std::string Detail = A.detail;
    if (!Detail.empty() && (isalpha(Detail[0]) || Detail[0] == '_'))
      Detail = "." + Detail;
    switch (A.kind) {
    case AccessKind::Assign: return Name + Detail + " = …";
    case AccessKind::CompoundAssign: return Name + Detail + " updated";
    case AccessKind::IncDec: {
      for (llvm::StringRef Op : {"prefix++", "prefix--", "postfix++", "postfix--"}) {
        auto [Path, Rest] = splitMarker(A.detail, Op);
        if (Path.size() != A.detail.size())
          return Op.starts_with("prefix") ? Op.take_back(2).str() + Name + Path
                                          : Name + Path + Op.take_back(2).str();
      }
      return "++" + Name + Detail;
    }
    case AccessKind::MutatingCall:
      if (llvm::StringRef(Detail).consume_back(".operator()"))
        return Name + Detail.substr(0, Detail.size() - strlen(".operator()")) + "()";
      return Name + Detail + "()";
    case AccessKind::RefArg: {
      for (llvm::StringRef Kind : {"pointer:", "reference:"}) {
        auto [Path, Callee] = splitMarker(A.detail, Kind);
        if (Path.size() == A.detail.size())
          continue;
        std::string To = Callee.empty() ? std::string() : " to " + Callee;
        return Kind == "pointer:" ? "&" + Name + Path + " passed" + To
                                  : Name + Path + " passed by non-const reference" + To;
      }
      return Name + Detail + " passed by non-const reference";
    }
    case AccessKind::Escape: return "&" + Name + Detail;
    default: return Name + Detail;
    }
  }

  // --- objects that outlive requests ----------------------------------------------------------

  void computeLongLived() {
    NamePatterns Configured(Options.entryPoints.longLivedClasses);
    std::deque<std::string> Queue;
    auto Add = [&](const std::string &Record) {
      if (!Record.empty() && LongLived.insert(Record).second)
        Queue.push_back(Record);
    };
    for (const auto &[Id, D] : P.states) {
      bool Static = D.kind == StateKind::Global || D.kind == StateKind::StaticLocal ||
                    D.kind == StateKind::StaticMember;
      if (Static || (D.kind == StateKind::CapturedLocal && !D.closureCopy))
        Add(D.typeRecord);
    }
    for (const EntryPoint &E : R.entries)
      if (const FunctionFact *F = P.function(E.function)) {
        Add(F->record); // the handler's class, or the class of the `this` a lambda captured
        for (const std::string &C : F->captureRecords)
          Add(C);
      }
    NamePatterns Registration(Options.entryPoints.registrationCalls);
    for (const CallableRef &C : P.callables) {
      if (!C.thisRecord.empty() && Registration.matches(C.calleeName, C.callee))
        Add(C.thisRecord);
      // The object that registers the handlers lives as long as they do.
      if (Registration.matches(C.calleeName, C.callee))
        if (const FunctionFact *H = P.function(C.holder); H && !H->isLambda)
          Add(H->record);
    }
    if (!Configured.empty())
      for (const auto &[Id, Rec] : P.records)
        if (Configured.matches(Rec.name))
          Add(Id);
    // Whatever a long-lived object owns, its bases, and the classes derived from it (the
    // object behind a base pointer) live as long.
    std::map<std::string, std::vector<std::string>> Derived;
    for (const auto &[Id, Rec] : P.records)
      for (const std::string &B : Rec.bases)
        Derived[B].push_back(Id);
    while (!Queue.empty()) {
      std::string Cur = Queue.front();
      Queue.pop_front();
      if (const RecordFact *Rec = P.record(Cur)) {
        for (const std::string &H : Rec->heldRecords)
          Add(H);
        for (const std::string &B : Rec->bases)
          Add(B);
      }
      for (const std::string &D : Derived[Cur])
        Add(D);
    }
  }

  /// The writes that count for a piece of state: through the object for fields (not in its
  /// own constructors), by code other than the owner for captured locals.
  std::vector<const Access *> writesOf(const Use &U) const {
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

  void computeWrittenOnRequest() {
    for (auto &[Id, U] : Uses)
      if (U.decl)
        for (const Access *A : writesOf(U))
          if (phaseOf(A->function) == Phase::Request)
            WrittenOnRequest.insert(Id);
  }

  bool isSessionState(const Use &U) const {
    const StateDecl &D = *U.decl;
    // A thread_local named after the session is usually the current request's context; it
    // holds per-session data only when it is keyed by a session id.
    if (!D.threadLocal && (nameMentionsSession(shortName(D.name)) || nameMentionsSession(D.type)))
      return true;
    if (const RecordFact *E = P.record(D.elementRecord); E && nameMentionsSession(E->name))
      return true;
    for (const Access *A : U.accesses)
      if (A->sessionKeyed)
        return true;
    return false;
  }

  /// A request function reads it that neither writes it nor is called by a writer: the value
  /// travels from one request to another through the thread.
  bool carriedBetweenRequests(const Use &U) const {
    std::set<std::string> Writers, Downstream;
    for (const Access *A : U.accesses)
      if (isWrite(A->kind) && phaseOf(A->function) == Phase::Request)
        Writers.insert(A->function);
    for (const std::string &W : Writers)
      for (const std::string &C : calleesOf(W))
        Downstream.insert(C);
    for (const Access *A : U.accesses)
      if ((A->kind == AccessKind::Read || A->kind == AccessKind::Lookup) &&
          phaseOf(A->function) == Phase::Request && !Downstream.count(A->function))
        return true;
    return false;
  }

  /// Reached from `Fn` by calls: the code a cache miss may run.
  std::set<std::string> calleesOf(const std::string &Fn) const {
    std::set<std::string> Seen{Fn};
    std::deque<std::string> Queue{Fn};
    while (!Queue.empty() && Seen.size() < 200) {
      std::string Cur = Queue.front();
      Queue.pop_front();
      for (const CallEdge &C : P.calls)
        if (C.caller == Cur && Seen.insert(C.callee).second)
          Queue.push_back(C.callee);
    }
    return Seen;
  }

  // --- judging one piece of state ----------------------------------------------------------

  void judge(const Use &U) {
    const StateDecl &D = *U.decl;
    if (isNotState(D.shape))
      return; // a mutex guards state and a Redis client reaches it; neither is state itself
    if (SingletonOf.count(D.id))
      return; // reported through its accessor and its fields
    if (D.kind == StateKind::Field && !LongLived.count(D.owner))
      return; // a field of objects that live for one request, or whose lifetime is unknown
    if (D.kind == StateKind::Field && PoolRecords.count(D.owner))
      return; // a connection pool's own bookkeeping: reported as the pool
    if (D.kind == StateKind::CapturedLocal) {
      if (phaseOf(D.owner) == Phase::Request)
        return; // a local of request code: per request
    }

    std::vector<const Access *> Writes = writesOf(U);
    // Lead with the plainest writes: an assignment or an insert says more than a reference
    // handed to a callee.
    std::stable_sort(Writes.begin(), Writes.end(), [](const Access *A, const Access *B) {
      return (A->kind == AccessKind::RefArg) < (B->kind == AccessKind::RefArg);
    });
    std::map<Phase, std::vector<const Access *>> ByPhase;
    for (const Access *A : Writes)
      ByPhase[phaseOf(A->function)].push_back(A);
    std::vector<const Access *> Escapes, Binds;
    for (const Access *A : U.accesses) {
      if (A->kind == AccessKind::Escape)
        Escapes.push_back(A);
      if (A->kind == AccessKind::Bind)
        Binds.push_back(A);
    }
    bool ProjectObject = D.shape == TypeShape::Object && P.record(D.typeRecord);

    StateUsage Usage = usageOf(U, ByPhase[Phase::Request]);
    Usage.session = isSessionState(U);
    Usage.threadLocal = D.threadLocal;

    Finding F;
    F.rule = locationRule(D);
    F.loc = D.loc;
    F.symbol = D.name;
    F.type = D.type;
    F.stateId = D.id;
    addElementEvidence(D, F);

    if (!ByPhase[Phase::Request].empty()) {
      const Access &First = *ByPhase[Phase::Request].front();
      std::string Chain = chainText(First.function, Phase::Request, operation(D, First));
      F.level = Level::Error;
      if (Usage.session) {
        F.rule = "session-state";
        F.message = "'" + D.name + "' holds per-session data and is written while serving "
                    "requests (" + Chain + "); every request of a session must reach the "
                    "instance that created it (sticky sessions), and the session is lost "
                    "when that instance stops";
      } else if (D.threadLocal && carriedBetweenRequests(U)) {
        F.message = kindPhrase(D) + " is written while serving one request (" + Chain +
                    ") and read by another: requests land on arbitrary threads and "
                    "instances, so the reader sees whatever its thread served last";
      } else if (D.threadLocal) {
        F.level = Level::Note;
        F.message = kindPhrase(D) + " is written while serving requests (" + Chain +
                    "): per-thread scratch space or cache, instance-local by nature; a later "
                    "request may run on another thread or instance and must not rely on it";
      } else if (Usage.metric && Usage.capped) {
        F.level = Level::Note;
        F.message = kindPhrase(D) + " counts this instance's work while serving requests (" +
                    Chain + ") and is only compared with a per-instance cap: instance-local by "
                    "nature (the cap is reported on its own)";
      } else if (Usage.metric) {
        F.level = Level::Note;
        F.message = kindPhrase(D) + " counts while serving requests (" + Chain +
                    ") and never decides a response: a per-instance metric";
      } else if (Usage.cache && Usage.cacheOfDerivedData) {
        F.level = Level::Note;
        F.message = kindPhrase(D) + " is a cache filled while serving requests (" + Chain +
                    ") with values derived from data that does not change: each instance "
                    "keeps its own, which is only an optimisation";
      } else if (D.kind == StateKind::CapturedLocal) {
        F.message = kindPhrase(D) + " is written while serving requests (" + Chain +
                    "); every request this instance serves shares it, other instances have "
                    "their own";
      } else {
        F.message = kindPhrase(D) + " is written while serving requests (" + Chain +
                    "); each instance behind a load balancer keeps its own copy, so requests "
                    "served by another instance do not see the change";
      }
      addWriteEvidence(D, ByPhase[Phase::Request], Phase::Request, F);
      if (Usage.session)
        for (const Access *A : U.accesses)
          if (A->sessionKeyed) {
            F.evidence.push_back({"keyed by a session id: " + operation(D, *A), A->loc});
            break;
          }
    } else if (D.kind == StateKind::CapturedLocal && ByPhase[Phase::Background].empty()) {
      // Captured locals matter only when a handler or background work writes them.
      return;
    } else if (!Escapes.empty() && D.kind != StateKind::CapturedLocal) {
      F.level = Level::Warning;
      F.message = "the address of " + kindPhrase(D) + " is taken in " +
                  functionName(Escapes.front()->function) +
                  " and kept where the analysis cannot follow; writes through it cannot be "
                  "placed on a request path or at start-up";
      for (const Access *A : Escapes)
        F.evidence.push_back({"address taken here, in " + functionName(A->function), A->loc});
    } else if (!ByPhase[Phase::Background].empty()) {
      F.level = Level::Warning;
      const Access &First = *ByPhase[Phase::Background].front();
      F.message = kindPhrase(D, /*Background=*/true) + " is written by background work started at start-up (" +
                  chainText(First.function, Phase::Background, operation(D, First)) +
                  "): per-instance state that changes while serving";
      addWriteEvidence(D, ByPhase[Phase::Background], Phase::Background, F);
    } else if (!ByPhase[Phase::Unplaced].empty()) {
      F.level = Level::Warning;
      const Access &First = *ByPhase[Phase::Unplaced].front();
      F.message = kindPhrase(D) + " is written in " + functionName(First.function) +
                  ", which is reached neither from a recognised request handler nor from "
                  "main(); whether it runs while serving could not be determined";
      addWriteEvidence(D, ByPhase[Phase::Unplaced], Phase::Unplaced, F);
    } else if (!ByPhase[Phase::Startup].empty()) {
      F.level = Level::Note;
      const Access &First = *ByPhase[Phase::Startup].front();
      F.message = kindPhrase(D) + " is set only at start-up (" +
                  chainText(First.function, Phase::Startup, operation(D, First)) +
                  "): start-up configuration, the same on every instance started with the "
                  "same configuration";
      addWriteEvidence(D, ByPhase[Phase::Startup], Phase::Startup, F);
    } else {
      // Never written after initialisation. A field or an object changed only through its
      // own methods is judged by its fields; anything else could be const.
      if (D.kind == StateKind::Field || (ProjectObject && !Binds.empty()))
        return;
      F.level = Level::Note;
      if (D.reference || D.isConst) {
        F.message = kindPhrase(D) + " is never written through after initialisation, but " +
                    (D.reference ? "refers to" : "gives access to") +
                    " mutable data: it could be made const all the way down";
        F.hint = D.reference                      ? "make it a reference to const"
                 : D.shape == TypeShape::Object ? "make its mutable members const, or drop them"
                                                : "make what it points to const";
      } else {
        F.message = kindPhrase(D) + " is never written after initialisation: it could be const";
        F.hint = "declare it const (or constexpr) so that it stays safe to share between "
                 "instances";
      }
    }
    // Per-session data is session-state whether a request or background work writes it.
    if (Usage.session && F.level == Level::Warning)
      F.rule = "session-state";
    if (F.hint.empty())
      F.hint = stateHint(D, Usage);
    RuleOf[D.id] = F.rule;
    LevelOf[D.id] = F.level;
    Findings.push_back(std::move(F));
    judgeCaps(U);
  }

  StateUsage usageOf(const Use &U, const std::vector<const Access *> &RequestWrites) const {
    const StateDecl &D = *U.decl;
    StateUsage S;
    for (const Access *A : U.accesses) {
      if (A->kind == AccessKind::MutatingCall || A->kind == AccessKind::RefArg) {
        llvm::StringRef Detail(A->detail);
        size_t Dot = Detail.rfind('.');
        llvm::StringRef Op = Dot == llvm::StringRef::npos ? Detail : Detail.drop_front(Dot + 1);
        if (A->kind == AccessKind::RefArg)
          Op = "";
        if (!Op.empty() && !Op.contains('[') && !Op.contains('-'))
          S.operations.insert(Op.str());
        else if (Detail.ends_with("operator[]"))
          S.operations.insert("operator[]");
      }
      if ((A->kind == AccessKind::Assign || A->kind == AccessKind::IncDec ||
           A->kind == AccessKind::CompoundAssign) &&
          llvm::StringRef(A->detail).starts_with("[]") && D.shape == TypeShape::KeyedContainer)
        S.operations.insert("operator[]");
      if (A->kind == AccessKind::IncDec || A->kind == AccessKind::CompoundAssign ||
          llvm::StringRef(A->detail).ends_with("fetch_add") ||
          llvm::StringRef(A->detail).ends_with("fetch_sub"))
        S.incremented = true;
    }
    if (const RecordFact *E = P.record(D.elementRecord))
      S.elementType = E->name;

    // A per-instance metric: a number only counted while serving, never deciding anything
    // (comparisons with a per-instance cap aside: those are reported as caps).
    // A map of counters (stats["logins"]++) counts per key the same way.
    bool Counters = D.shape == TypeShape::Integer || D.shape == TypeShape::Atomic ||
                    D.shape == TypeShape::KeyedContainer;
    if (Counters && !RequestWrites.empty()) {
      bool OnlyCounts = true;
      for (const Access *A : RequestWrites) {
        bool Counting = A->kind == AccessKind::IncDec || A->kind == AccessKind::CompoundAssign ||
                        llvm::StringRef(A->detail).ends_with("fetch_add") ||
                        llvm::StringRef(A->detail).ends_with("fetch_sub");
        if (D.shape == TypeShape::KeyedContainer && !llvm::StringRef(A->detail).starts_with("[]"))
          Counting = false;
        if (!Counting || A->decides)
          OnlyCounts = false;
      }
      // Read by request code, its value reaches responses (an id, a cache key, a total).
      for (const Access *A : U.accesses)
        if ((A->kind == AccessKind::Read || A->kind == AccessKind::Lookup) &&
            phaseOf(A->function) == Phase::Request)
          OnlyCounts = false;
      S.metric = OnlyCounts;
      for (const Access *A : U.accesses)
        S.capped |= A->kind == AccessKind::LimitCheck;
    }

    // A cache: looked up and filled on a miss in the same request function. It caches
    // derived data when nothing that code reads is written while serving.
    if (D.shape == TypeShape::KeyedContainer || D.shape == TypeShape::Set) {
      // Per request function: looked up, inserted, erased.
      struct Pattern {
        bool lookup = false, insert = false, erase = false;
      };
      std::map<std::string, Pattern> ByFunction;
      for (const Access *A : U.accesses) {
        if (phaseOf(A->function) != Phase::Request)
          continue;
        Pattern &Pat = ByFunction[A->function];
        llvm::StringRef Detail(A->detail);
        if (A->kind == AccessKind::Lookup)
          Pat.lookup = true;
        if ((A->kind == AccessKind::MutatingCall || A->kind == AccessKind::Assign) &&
            (Detail.ends_with("emplace") || Detail.ends_with("insert") ||
             Detail.ends_with("try_emplace") || Detail.ends_with("insert_or_assign") ||
             Detail.ends_with("operator[]") || Detail.starts_with("[]")))
          Pat.insert = true;
        if (A->kind == AccessKind::MutatingCall && (Detail.ends_with("erase") || Detail.ends_with("clear")))
          Pat.erase = true;
      }
      // Filled on a miss: looked up and inserted by the same function. A table of pending
      // work also erases what it finds; a cache says so in its name when it evicts.
      std::string Name = llvm::StringRef(shortName(D.name)).lower();
      bool NamedCache = llvm::StringRef(Name).contains("cache") || llvm::StringRef(Name).contains("memo");
      for (const auto &[Fn, Pat] : ByFunction) {
        if (!Pat.lookup || !Pat.insert || (Pat.erase && !NamedCache))
          continue;
        S.cache = true;
        bool ReadsLiveState = false;
        for (const std::string &C : calleesOf(Fn))
          for (const Access &A : P.accesses)
            if (A.function == C && A.target != D.id && WrittenOnRequest.count(A.target) &&
                (A.kind == AccessKind::Read || A.kind == AccessKind::Lookup))
              ReadsLiveState = true;
        S.cacheOfDerivedData = !ReadsLiveState;
        break;
      }
    }
    return S;
  }

  void addWriteEvidence(const StateDecl &D, const std::vector<const Access *> &Writes, Phase Ph,
                        Finding &F) const {
    std::set<std::string> Functions;
    for (const Access *A : Writes) {
      if (!Functions.insert(A->function).second)
        continue;
      if (Functions.size() > 3)
        break;
      const char *How = Ph == Phase::Request      ? "written while serving: "
                        : Ph == Phase::Startup    ? "set at start-up: "
                        : Ph == Phase::Background ? "written by background work: "
                                                  : "written here: ";
      F.evidence.push_back({How + chainText(A->function, Ph, operation(D, *A)), A->loc});
      if (Ph == Phase::Request) {
        std::vector<std::string> Chain = R.requestChain(A->function);
        if (!Chain.empty())
          if (const EntryPoint *E = R.entryFor(Chain.front()))
            F.evidence.push_back({"request entry point: " + E->description, E->loc});
      }
    }
  }

  void addElementEvidence(const StateDecl &D, Finding &F) const {
    const RecordFact *E = P.record(D.elementRecord);
    if (!E || E->fieldNames.empty())
      return;
    std::string Fields;
    for (const std::string &N : E->fieldNames)
      Fields += (Fields.empty() ? "" : ", ") + N;
    F.evidence.push_back({"holds " + E->name + " objects (fields: " + Fields + ")", E->loc});
  }

  /// `sessions_.size() >= kMaxSessions`: a cap per instance multiplies with the instances.
  void judgeCaps(const Use &U) {
    const StateDecl &D = *U.decl;
    std::set<std::string> Seen;
    for (const Access *A : U.accesses) {
      if (A->kind != AccessKind::LimitCheck || !Seen.insert(A->detail).second)
        continue;
      Finding F;
      F.rule = RuleOf.count(D.id) ? RuleOf[D.id] : locationRule(D);
      F.level = Level::Note;
      F.loc = A->loc;
      F.symbol = D.name + " cap " + A->detail;
      F.type = D.type;
      F.stateId = D.id;
      F.message = "'" + A->detail + "' caps '" + D.name + "' per instance (in " +
                  functionName(A->function) + "): with N instances behind the load balancer "
                  "the cluster admits N × " + A->detail + ", and one instance may refuse what "
                  "another would accept";
      F.hint = "size the cap for the cluster (the per-instance cap times the maximum number of "
               "instances), or enforce it in the shared store (a Redis counter with INCR/DECR)";
      Findings.push_back(std::move(F));
    }
  }

  /// A singleton accessor takes the level of the worst finding on its class's fields: what
  /// it hands out is exactly that state.
  void judgeSingletons() {
    for (const auto &[StateId, Accessors] : SingletonOf) {
      const StateDecl *Instance = P.state(StateId);
      if (!Instance)
        continue;
      const RecordFact *Class = P.record(Instance->typeRecord);
      std::optional<Level> Worst;
      std::map<Level, std::vector<std::string>> FieldsAt;
      for (const auto &[Id, D] : P.states) {
        auto L = LevelOf.find(Id);
        if (D.kind != StateKind::Field || L == LevelOf.end() ||
            !inClassOrBases(D.owner, Instance->typeRecord))
          continue;
        FieldsAt[L->second].push_back(std::string(shortName(D.name)));
        if (!Worst || L->second > *Worst)
          Worst = L->second;
      }
      if (!Worst)
        continue;
      std::string Fields = llvm::join(FieldsAt[*Worst], ", ");
      for (const FunctionFact *Accessor : Accessors) {
        Finding F;
        F.rule = "singleton";
        F.level = *Worst;
        F.loc = Accessor->loc;
        F.symbol = Accessor->name;
        F.type = Instance->type;
        F.stateId = StateId;
        std::string ClassName = Class ? Class->name : Instance->type;
        std::string Head = "'" + Accessor->name + "' returns the process-wide " + ClassName;
        switch (*Worst) {
        case Level::Error:
          F.message = Head + ", whose fields are written while serving requests (" + Fields +
                      "); every instance has its own";
          break;
        case Level::Warning:
          F.message = Head + ", whose fields change outside requests and start-up (" + Fields +
                      "); every instance has its own";
          break;
        case Level::Note:
          F.message = Head + ", whose fields are set only at start-up or are instance-local "
                             "by nature (" + Fields + ")";
          break;
        }
        F.evidence.push_back({"the instance: " + Instance->name, Instance->loc});
        F.hint = "pass the object explicitly and keep what requests write in a shared store "
                 "(Redis, a database); a singleton hides per-instance state behind a global "
                 "accessor";
        Findings.push_back(std::move(F));
      }
    }
  }

  bool inClassOrBases(const std::string &Record, const std::string &Class) const {
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

  void judgeFile(const FileOp &Op) {
    Finding F;
    F.rule = "file-write";
    F.loc = Op.loc;
    F.symbol = Op.api + " in " + (Op.function.empty() ? std::string("namespace scope")
                                                      : functionName(Op.function));
    F.hint = fileHint(Op);
    std::string What = Op.target.empty() ? "a file" : "'" + Op.target + "'";
    std::string Does;
    switch (Op.kind) {
    case FileOpKind::OpenWrite:
      Does = "'" + Op.api + "' opens " + What + (Op.append ? " for appending" : " for writing") +
             (Op.mode.empty() ? std::string() : " (" + Op.mode + ")");
      break;
    case FileOpKind::OpenUnknown:
      Does = "'" + Op.api + "' opens " + What + " with a mode that could not be determined";
      break;
    case FileOpKind::Modify:
      Does = "'" + Op.api + "' changes the local filesystem" +
             (Op.target.empty() ? std::string() : " (" + Op.target + ")");
      break;
    }
    Phase Ph = phaseOf(Op.function);
    std::string Chain = chainText(Op.function, Ph, "");
    if (Chain.empty())
      Chain = "a namespace-scope initialiser";
    bool Unknown = Op.kind == FileOpKind::OpenUnknown;
    std::string Consequence =
        Unknown ? "; if it writes, the file exists on this instance only"
                : "; the file exists on this instance only";
    switch (Ph) {
    case Phase::Request:
      F.level = Level::Error;
      F.message = Does + " while serving requests (" + Chain + ")" + Consequence;
      if (std::vector<std::string> C = R.requestChain(Op.function); !C.empty())
        if (const EntryPoint *E = R.entryFor(C.front()))
          F.evidence.push_back({"request entry point: " + E->description, E->loc});
      break;
    case Phase::Startup:
      F.level = Level::Note;
      F.message = Does + " at start-up (" + Chain + "): " +
                  (Unknown ? "if it writes, the file is " : "a file ") +
                  "local to this instance, written before serving";
      break;
    case Phase::Background:
      F.level = Level::Warning;
      F.message = Does + " in background work started at start-up (" + Chain + ")" + Consequence;
      break;
    case Phase::Unplaced:
      F.level = Level::Warning;
      F.message = Does + " in " + functionName(Op.function) +
                  ", which is reached neither from a recognised request handler nor from "
                  "main()" + Consequence;
      break;
    }
    Findings.push_back(std::move(F));
  }

  void judgePool(const PoolFact &Pool) {
    Finding F;
    F.rule = "connection-pool";
    F.loc = Pool.loc;
    F.type = Pool.type;
    std::string Where = Pool.function.empty() ? std::string("namespace scope")
                                              : functionName(Pool.function);
    F.symbol = (Pool.name.empty() ? Pool.type : Pool.name) + " in " + Where;
    std::string Size = Pool.size ? std::to_string(*Pool.size) : Pool.sizeText;
    std::string What = (Pool.name.empty() ? std::string("a ") + Pool.type
                                          : "'" + Pool.name + "', a " + Pool.type + ",");
    if (Size.empty())
      F.message = What + " opens a pool of its default size in every instance (in " + Where +
                  "): with N instances the downstream service sees N pools";
    else
      F.message = What + " opens up to " + Size + " connections in every instance (in " +
                  Where + "): with N instances the downstream service sees N × " + Size +
                  " connections";
    const PoolBudget &B = Options.pools;
    if (Pool.size && B.maxInstances && B.downstreamLimit) {
      std::int64_t Total = *B.maxInstances * *Pool.size;
      std::string Sum = std::to_string(*B.maxInstances) + " instances × " +
                        std::to_string(*Pool.size) + " = " + std::to_string(Total) + " connections";
      if (Total >= *B.downstreamLimit) {
        F.level = Level::Error;
        F.message += "; at the configured maximum, " + Sum + " reach the limit of " +
                     std::to_string(*B.downstreamLimit);
      } else {
        F.level = Level::Note;
        F.message += "; at the configured maximum, " + Sum + ", within the limit of " +
                     std::to_string(*B.downstreamLimit);
      }
    } else {
      F.level = Level::Warning;
      F.message += "; the budget (max_instances × pool size below the downstream limit) cannot "
                   "be checked" +
                   std::string(Pool.size ? " without max-instances and downstream-limit in the "
                                           "configuration"
                                         : " because the size is not a constant");
    }
    F.hint = "size the pool for the cluster: max_instances × pool_size must stay below the "
             "downstream connection limit; read the size from configuration per deployment, or "
             "put a shared pooler (PgBouncer, ProxySQL) in front of the database";
    Findings.push_back(std::move(F));
  }

  const Program &P;
  Reachability R;
  const LinkOptions &Options;
  std::map<std::string, Use> Uses;
  std::set<std::string> LongLived;
  std::set<std::string> PoolRecords;
  std::set<std::string> WrittenOnRequest;
  std::map<std::string, std::vector<const FunctionFact *>> SingletonOf;
  std::map<std::string, std::string> RuleOf;
  std::map<std::string, Level> LevelOf;
  std::vector<Finding> Findings;
};

} // namespace

void assignFingerprints(std::vector<Finding> &Findings) {
  std::map<std::tuple<std::string, std::string, std::string>, unsigned> Seen;
  for (Finding &F : Findings) {
    unsigned Ordinal = Seen[{F.rule, F.loc.file, F.symbol}]++;
    llvm::SHA256 H;
    for (llvm::StringRef Part : {llvm::StringRef(F.rule), llvm::StringRef(F.loc.file),
                                 llvm::StringRef(F.symbol)}) {
      H.update(Part);
      H.update(llvm::StringRef("\0", 1));
    }
    H.update(std::to_string(Ordinal));
    auto Digest = H.final();
    F.fingerprint = llvm::toHex(llvm::ArrayRef<uint8_t>(Digest).take_front(16), true);
  }
}

LinkResult link(const Program &P, const LinkOptions &Options) {
  return Linker(P, Options).run();
}

} // namespace sa
