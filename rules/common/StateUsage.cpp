// What the code does with a piece of state, beyond where: the operations used (for hints),
// whether it only counts (a per-instance metric), whether it is a cache of derived data.
#include "rules/common/StateLadder.h"

#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>
#include <vector>

namespace sa {

namespace {

/// The name of the operation an access performs: the method called, or for accesses without
/// one the last member of the path.
llvm::StringRef operationName(const Access &A) {
  if (!A.method.empty())
    return A.method;
  llvm::StringRef Path(A.path);
  size_t Dot = Path.rfind('.');
  return Dot == llvm::StringRef::npos ? Path : Path.drop_front(Dot + 1);
}

bool counts(const Access &A) {
  return A.kind == AccessKind::IncDec || A.kind == AccessKind::CompoundAssign ||
         llvm::StringRef(A.method).ends_with("fetch_add") ||
         llvm::StringRef(A.method).ends_with("fetch_sub");
}

bool throughSubscript(const Access &A) { return llvm::StringRef(A.path).starts_with("[]"); }

/// The words of an identifier: "g_nextSessionId" → g, next, session, id.
std::vector<std::string> words(llvm::StringRef Name) {
  std::vector<std::string> Out;
  std::string Cur;
  for (size_t I = 0; I < Name.size(); ++I) {
    char C = Name[I];
    bool Upper = C >= 'A' && C <= 'Z';
    if (!isalnum(static_cast<unsigned char>(C)) ||
        (Upper && !Cur.empty() && !(Name[I - 1] >= 'A' && Name[I - 1] <= 'Z'))) {
      if (!Cur.empty())
        Out.push_back(Cur);
      Cur.clear();
      if (!isalnum(static_cast<unsigned char>(C)))
        continue;
    }
    Cur += static_cast<char>(tolower(static_cast<unsigned char>(C)));
  }
  if (!Cur.empty())
    Out.push_back(Cur);
  return Out;
}

/// Named as a source of ids: `next_id_`, `seq`, `nextRequest`, `cid_`. Ids of sessions,
/// streams or events leave the instance and are state (`next_session_id`).
bool namedIdSequence(llvm::StringRef Name) {
  std::vector<std::string> W = words(Name);
  bool Id = !W.empty() && W.front() == "next";
  for (const std::string &X : W) {
    if (X == "session" || X == "sessions" || X == "stream" || X == "event")
      return false;
    Id |= X == "id" || X == "ids" || X == "cid" || X == "seq" || X == "sequence" ||
          X == "serial";
  }
  return Id;
}

/// Named for the life of this instance's own work: `running_`, `gStdioDone`, `isListening`.
bool namedLifecycle(llvm::StringRef Name) {
  for (const std::string &X : words(Name))
    for (const char *L : {"running", "started", "stopped", "stopping", "done", "finished",
                          "ready", "alive", "shutdown", "listening", "terminated", "exited"})
      if (X == L)
        return true;
  return false;
}

bool pushes(llvm::StringRef Op) {
  return Op == "push" || Op == "push_back" || Op == "push_front" || Op == "emplace" ||
         Op == "emplace_back" || Op == "emplace_front";
}
bool pops(llvm::StringRef Op) {
  return Op == "pop" || Op == "pop_front" || Op == "pop_back" || Op == "try_pop";
}

} // namespace

StateUsage JudgeContext::usageOf(const StateUse &U,
                                 const std::vector<const Access *> &RequestWrites,
                                 const std::vector<const Access *> &AllWrites) const {
  const StateDecl &D = *U.decl;
  StateUsage S;
  for (const Access *A : U.accesses) {
    if (A->kind == AccessKind::MutatingCall) {
      llvm::StringRef Op = operationName(*A);
      if (!Op.empty() && !Op.contains('[') && !Op.contains('-'))
        S.operations.insert(Op.str());
      else if (Op.ends_with("operator[]"))
        S.operations.insert("operator[]");
    }
    if (A->kind == AccessKind::RefArg && llvm::StringRef(A->callee).ends_with("operator[]"))
      S.operations.insert("operator[]");
    if ((A->kind == AccessKind::Assign || A->kind == AccessKind::IncDec ||
         A->kind == AccessKind::CompoundAssign) &&
        throughSubscript(*A) && D.shape == TypeShape::KeyedContainer)
      S.operations.insert("operator[]");
    if (counts(*A))
      S.incremented = true;
    if (A->kind == AccessKind::StoreWrite)
      S.inMemoryDatabase = A->callee;
  }
  if (const RecordFact *E = M.program().record(D.elementRecord))
    S.elementType = E->name;

  // A per-instance metric: a number only counted while serving, never deciding anything
  // (comparisons with a per-instance cap aside: those are reported as caps). A map of
  // counters (stats["logins"]++) counts per key the same way.
  // Judged on the request writes when there are any, else on every write (a counter bumped
  // by background work is as much a metric).
  const std::vector<const Access *> &Writes = RequestWrites.empty() ? AllWrites : RequestWrites;
  // An object of counters (`stats_.requests++`) counts through its members.
  bool Counters = D.shape == TypeShape::Integer || D.shape == TypeShape::Atomic ||
                  D.shape == TypeShape::KeyedContainer || D.shape == TypeShape::Object;
  // A block of counters: an object of one of the project's classes whose fields (its bases'
  // included) are all integers or atomics, a statistics struct. Handing one of its counters to
  // code that bumps it (a byte-counting filter) counts too, and reading it back (a stats
  // request) reports this instance's own numbers: per-instance metrics by nature.
  bool CounterBlock = false;
  if (D.shape == TypeShape::Object && M.program().record(D.typeRecord)) {
    CounterBlock = true;
    bool Any = false;
    for (const auto &[Id, F] : M.program().states)
      if (F.kind == StateKind::Field && M.inClassOrBases(F.owner, D.typeRecord)) {
        Any = true;
        CounterBlock &= F.shape == TypeShape::Integer || F.shape == TypeShape::Atomic;
      }
    CounterBlock &= Any;
  }
  if (Counters && !Writes.empty()) {
    bool OnlyCounts = true, OnlyIncrements = true, ValueUsed = false, Decrements = false;
    for (const Access *A : Writes) {
      Decrements |= A->incDec == IncDecForm::PreDecrement ||
                    A->incDec == IncDecForm::PostDecrement ||
                    llvm::StringRef(A->method).ends_with("fetch_sub");
      bool Counting = counts(*A) || (CounterBlock && A->kind == AccessKind::RefArg);
      if (D.shape == TypeShape::KeyedContainer && !throughSubscript(*A))
        Counting = false;
      if (D.shape == TypeShape::Object && A->path.empty())
        Counting = false;
      // A counter handed over by reference is an argument, not a decision.
      bool Handed = CounterBlock && A->kind == AccessKind::RefArg;
      if (!Counting || (A->decides && !Handed))
        OnlyCounts = false;
      OnlyIncrements &= Counting && D.shape != TypeShape::KeyedContainer &&
                        A->incDec != IncDecForm::PreDecrement &&
                        A->incDec != IncDecForm::PostDecrement &&
                        !llvm::StringRef(A->method).ends_with("fetch_sub");
      ValueUsed |= A->decides;
    }
    // Read by request code, its value reaches responses (an id, a cache key, a total). A gauge
    // (counted up and down: sessions open, connections active) is this instance's current
    // count by definition, whoever reads it.
    bool Gauge = OnlyCounts && Decrements && !OnlyIncrements &&
                 (D.shape == TypeShape::Integer || D.shape == TypeShape::Atomic);
    for (const Access *A : U.accesses)
      if ((A->kind == AccessKind::Read || A->kind == AccessKind::Lookup) &&
          M.phaseOf(*A) == Phase::Request && !Gauge && !CounterBlock)
        OnlyCounts = false;
    S.metric = OnlyCounts;
    S.gauge = OnlyCounts && Gauge;
    S.counterBlock = OnlyCounts && CounterBlock;
    // `return next_id_++;`: every use takes the next number. The numbers are unique on this
    // instance only; whether that matters depends on where they go (an id that leaves the
    // instance, such as a session id, must come from a shared sequence).
    // Ids drawn for sessions leave the instance: a registry of sessions numbering them, or a
    // function making session ids, is not a harmless sequence.
    std::string Owner;
    if (const RecordFact *R = M.program().record(D.owner))
      Owner = R->name;
    else if (const FunctionFact *F = M.program().function(D.owner))
      Owner = F->name;
    S.idCounter = !OnlyCounts && OnlyIncrements && ValueUsed &&
                  namedIdSequence(shortName(D.name)) &&
                  !llvm::StringRef(Owner).contains_insensitive("session");
    for (const Access *A : U.accesses)
      S.capped |= A->kind == AccessKind::LimitCheck;
  }

  // A lifecycle flag: a boolean saying whether this instance's own work runs (set by start(),
  // a worker thread or stop()). No request writes it: a flag a request sets (`initialized_`
  // on `initialize`) is protocol state.
  S.lifecycleFlag = RequestWrites.empty() && !AllWrites.empty() &&
                    (D.shape == TypeShape::Boolean ||
                     (D.shape == TypeShape::Atomic && llvm::StringRef(D.type).contains("bool"))) &&
                    namedLifecycle(shortName(D.name));

  // A work queue: request code only adds to it, and something takes work off it.
  if (D.shape == TypeShape::Sequence && !RequestWrites.empty()) {
    bool OnlyPushes = true, Popped = false;
    for (const Access *A : RequestWrites)
      OnlyPushes &= A->kind == AccessKind::MutatingCall &&
                    (pushes(operationName(*A)) || pops(operationName(*A)));
    for (const Access *A : AllWrites)
      Popped |= A->kind == AccessKind::MutatingCall && pops(operationName(*A));
    S.workQueue = OnlyPushes && Popped;
  }

  // A cache: looked up and filled on a miss in the same request function. It caches derived
  // data when nothing that code reads is written while serving.
  if (D.shape == TypeShape::KeyedContainer || D.shape == TypeShape::Set) {
    struct Pattern {
      bool lookup = false, insert = false, erase = false;
    };
    std::map<std::string, Pattern> ByFunction;
    for (const Access *A : U.accesses) {
      if (M.phaseOf(*A) != Phase::Request)
        continue;
      Pattern &Pat = ByFunction[A->function];
      llvm::StringRef Op = operationName(*A);
      if (A->kind == AccessKind::Lookup)
        Pat.lookup = true;
      if ((A->kind == AccessKind::MutatingCall || A->kind == AccessKind::Assign) &&
          (Op.ends_with("emplace") || Op.ends_with("insert") || Op.ends_with("try_emplace") ||
           Op.ends_with("insert_or_assign") || Op.ends_with("operator[]") || throughSubscript(*A)))
        Pat.insert = true;
      if (A->kind == AccessKind::MutatingCall && (Op.ends_with("erase") || Op.ends_with("clear")))
        Pat.erase = true;
    }
    // Filled on a miss: looked up and inserted by the same function. A table of pending work
    // also erases what it finds; a cache says so in its name when it evicts.
    std::string Name = llvm::StringRef(shortName(D.name)).lower();
    bool NamedCache = llvm::StringRef(Name).contains("cache") || llvm::StringRef(Name).contains("memo");
    // A memo's entries are replaced whole, never changed in place (`tasks.find(id)->second.x =
    // v` makes it a table of live records), and only an evicting cache erases them.
    bool ChangedInPlace = false, ErasedElsewhere = false;
    for (const Access *A : RequestWrites)
      ChangedInPlace |= !A->path.empty() && A->kind != AccessKind::RefArg &&
                        !(A->kind == AccessKind::Assign && throughSubscript(*A) && A->path == "[]");
    for (const auto &[Fn, Pat] : ByFunction)
      ErasedElsewhere |= Pat.erase && !(Pat.lookup && Pat.insert);
    for (const auto &[Fn, Pat] : ByFunction) {
      if (!Pat.lookup || !Pat.insert || (Pat.erase && !NamedCache) || ChangedInPlace ||
          (ErasedElsewhere && !NamedCache))
        continue;
      S.cache = true;
      // Live state is what outlives the request: a field of an object the computation builds
      // for itself (a value it returns) changes with every call and is no source.
      auto Live = [&](const std::string &Id) {
        const StateDecl *Source = M.program().state(Id);
        return M.writtenOnRequest(Id) &&
               !(Source && Source->kind == StateKind::Field && !M.isLongLived(Source->owner));
      };
      bool ReadsLiveState = false;
      for (const std::string &C : M.calleesOf(Fn))
        for (const Access &A : M.program().accesses)
          if (A.function == C && A.target != D.id && Live(A.target) &&
              (A.kind == AccessKind::Read || A.kind == AccessKind::Lookup))
            ReadsLiveState = true;
      S.cacheOfDerivedData = !ReadsLiveState;
      break;
    }
  }
  return S;
}

} // namespace sa
