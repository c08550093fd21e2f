// Hand-built facts for unit tests of the program model and of the rules' judges: a small
// program built fact by fact, linked without parsing anything. Header-only, plain facts.
//
// Ids follow one scheme so that tests can refer to things by name: functions "f:<name>",
// records "r:<name>", state "c:@<name>" (name as given: "g", "Server::hits_", "counter").
// The references returned by the adders point into the TU's vectors: set what you need on them
// before adding the next fact of the same kind.
#pragma once

#include "facts/FactsJson.h"
#include "program/Phases.h"
#include "program/Program.h"
#include "rules/RuleSet.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sa::test {

inline SourceLoc at(const std::string &File, unsigned Line) { return {File, Line, 1, Line, 2}; }

inline std::string fnId(const std::string &Name) { return Name.empty() ? "" : "f:" + Name; }
inline std::string recordId(const std::string &Name) { return "r:" + Name; }
inline std::string stateId(const std::string &Name) { return "c:@" + Name; }

/// A type as clang would print it for a shape, for messages and hints.
inline std::string typeFor(TypeShape Shape) {
  switch (Shape) {
  case TypeShape::KeyedContainer: return "std::map<std::string, int>";
  case TypeShape::Set: return "std::set<std::string>";
  case TypeShape::Sequence: return "std::vector<std::string>";
  case TypeShape::String: return "std::string";
  case TypeShape::Atomic: return "std::atomic<int>";
  case TypeShape::Lock: return "std::mutex";
  case TypeShape::Client: return "redis::Client";
  case TypeShape::Pointer: return "int *";
  default: return "int";
  }
}

class FactsBuilder {
public:
  TUFacts TU;

  explicit FactsBuilder(std::string File = "a.cpp") { TU.file = std::move(File); }

  // --- state ------------------------------------------------------------------------------
  StateDecl &state(StateKind Kind, const std::string &Name, TypeShape Shape = TypeShape::Integer,
                   const std::string &Owner = "") {
    StateDecl D;
    D.id = stateId(Name);
    D.kind = Kind;
    D.name = Name;
    D.type = typeFor(Shape);
    D.shape = Shape;
    D.owner = Owner;
    D.loc = at(TU.file, static_cast<unsigned>(TU.decls.size() + 1));
    TU.decls.push_back(D);
    return TU.decls.back();
  }
  StateDecl &global(const std::string &Name, TypeShape Shape = TypeShape::Integer) {
    return state(StateKind::Global, Name, Shape);
  }
  StateDecl &threadLocal(const std::string &Name, TypeShape Shape = TypeShape::Integer) {
    StateDecl &D = state(StateKind::Global, Name, Shape);
    D.threadLocal = true;
    return D;
  }
  /// A function-local static of function `Fn`.
  StateDecl &staticLocal(const std::string &Fn, const std::string &Name,
                         TypeShape Shape = TypeShape::Integer) {
    return state(StateKind::StaticLocal, Name, Shape, fnId(Fn));
  }
  /// A static data member `Record::Name`.
  StateDecl &staticMember(const std::string &Record, const std::string &Name,
                          TypeShape Shape = TypeShape::Integer) {
    return state(StateKind::StaticMember, Record + "::" + Name, Shape, recordId(Record));
  }
  /// A non-static field `Record::Name` (the record gets it in its field names).
  StateDecl &field(const std::string &Record, const std::string &Name,
                   TypeShape Shape = TypeShape::Integer) {
    if (RecordFact *R = findRecord(Record))
      R->fieldNames.push_back(Name);
    return state(StateKind::Field, Record + "::" + Name, Shape, recordId(Record));
  }
  /// A local of `OwnerFn` captured by reference into a lambda.
  StateDecl &captured(const std::string &OwnerFn, const std::string &Name,
                      TypeShape Shape = TypeShape::Integer) {
    return state(StateKind::CapturedLocal, Name, Shape, fnId(OwnerFn));
  }
  /// Static storage holding an object of `Record`.
  StateDecl &objectOf(StateKind Kind, const std::string &Name, const std::string &Record,
                      const std::string &Owner = "") {
    StateDecl &D = state(Kind, Name, TypeShape::Object, Owner);
    D.type = Record;
    D.typeRecord = recordId(Record);
    return D;
  }

  // --- records and functions ---------------------------------------------------------------
  RecordFact &record(const std::string &Name, const std::vector<std::string> &Bases = {}) {
    RecordFact R;
    R.id = recordId(Name);
    R.name = Name;
    R.loc = at(TU.file, 50 + static_cast<unsigned>(TU.records.size()));
    for (const std::string &B : Bases)
      R.bases.push_back(recordId(B));
    TU.records.push_back(R);
    return TU.records.back();
  }
  FunctionFact &function(const std::string &Name, bool Main = false) {
    FunctionFact F;
    F.id = fnId(Name);
    F.name = Name;
    F.isMain = Main;
    F.loc = at(TU.file, 100 + static_cast<unsigned>(TU.functions.size()));
    TU.functions.push_back(F);
    return TU.functions.back();
  }
  FunctionFact &mainFunction() { return function("main", /*Main=*/true); }
  /// A member function `Record::Name`.
  FunctionFact &method(const std::string &Record, const std::string &Name) {
    FunctionFact &F = function(Record + "::" + Name);
    F.record = recordId(Record);
    F.isCtorOrDtor = Name == Record || Name == "~" + Record;
    return F;
  }

  // --- who runs what ------------------------------------------------------------------------
  CallEdge &call(const std::string &From, const std::string &To, CallKind K = CallKind::Direct,
                 Receiver On = Receiver::Other) {
    TU.calls.push_back({fnId(From), fnId(To), K, at(TU.file, 200), On});
    return TU.calls.back();
  }
  /// `Holder` hands `Callable` to the call `Via` (qualified `Callee`).
  CallableRef &handsOver(const std::string &Holder, const std::string &Callable,
                         const std::string &Via, const std::string &Callee,
                         const std::string &Label = "") {
    CallableRef R;
    R.holder = fnId(Holder);
    R.callable = fnId(Callable);
    R.calleeName = Via;
    R.callee = Callee;
    R.label = Label;
    R.loc = at(TU.file, 300 + static_cast<unsigned>(TU.callables.size()));
    TU.callables.push_back(R);
    return TU.callables.back();
  }
  /// `Holder` registers `Handler` as a request handler (an MCP tool or an HTTP route).
  CallableRef &registers(const std::string &Holder, const std::string &Handler,
                         const std::string &Via, const std::string &Label = "") {
    return handsOver(Holder, Handler, Via, "lib::Server::" + Via, Label);
  }
  /// `Holder` starts `Worker` on a std::thread: background work.
  CallableRef &startsThread(const std::string &Holder, const std::string &Worker) {
    return handsOver(Holder, Worker, "thread", "std::thread::thread");
  }
  /// main() registering `Handler` as the MCP tool `Tool`: the usual request entry point, whose
  /// chains start "handler '<Tool>' (add_tool)".
  FunctionFact &toolHandler(const std::string &Handler, const std::string &Tool) {
    ensureMain();
    registers("main", Handler, "add_tool", Tool);
    return function(Handler);
  }
  /// A server class whose `start()` (called by main) registers its method `Record::Method` as
  /// the MCP tool `Tool`: the class registers handlers, so its objects outlive requests.
  FunctionFact &serverHandler(const std::string &Record, const std::string &Method,
                              const std::string &Tool) {
    if (!findRecord(Record))
      record(Record);
    ensureMain();
    if (!findFunction(Record + "::start")) {
      method(Record, "start");
      call("main", Record + "::start");
    }
    registers(Record + "::start", Record + "::" + Method, "add_tool", Tool);
    return method(Record, Method);
  }
  /// main() starting `Worker` on a thread.
  FunctionFact &backgroundWorker(const std::string &Worker) {
    ensureMain();
    startsThread("main", Worker);
    return function(Worker);
  }
  /// main() calling `Fn` directly: start-up code.
  FunctionFact &startupFunction(const std::string &Fn) {
    ensureMain();
    call("main", Fn);
    return function(Fn);
  }

  // --- what code does to state --------------------------------------------------------------
  /// An access of `Fn` (empty: a namespace-scope initialiser) to the state named `State`.
  /// Accesses to fields go through their object (`this`) unless the test says otherwise.
  Access &access(const std::string &Fn, const std::string &State, AccessKind K,
                 const std::string &Method = "") {
    Access A;
    A.target = stateId(State);
    A.function = fnId(Fn);
    A.kind = K;
    A.method = Method;
    if (K == AccessKind::IncDec)
      A.incDec = IncDecForm::PreIncrement;
    for (const StateDecl &D : TU.decls)
      if (D.id == A.target && D.kind == StateKind::Field)
        A.throughThis = true;
    A.loc = at(TU.file, 400 + static_cast<unsigned>(TU.accesses.size()));
    TU.accesses.push_back(A);
    return TU.accesses.back();
  }
  Access &write(const std::string &Fn, const std::string &State, AccessKind K = AccessKind::Assign,
                const std::string &Method = "") {
    return access(Fn, State, K, Method);
  }
  Access &read(const std::string &Fn, const std::string &State) {
    return access(Fn, State, AccessKind::Read);
  }
  Access &lookup(const std::string &Fn, const std::string &State) {
    return access(Fn, State, AccessKind::Lookup, "find");
  }
  /// `State` compared with the per-instance cap `Cap` in `Fn`.
  Access &limitCheck(const std::string &Fn, const std::string &State, const std::string &Cap) {
    Access &A = access(Fn, State, AccessKind::LimitCheck);
    A.cap = Cap;
    return A;
  }

  // --- files and pools ----------------------------------------------------------------------
  FileOp &fileOp(const std::string &Fn, const std::string &Api,
                 FileOpKind K = FileOpKind::OpenWrite, const std::string &Target = "") {
    FileOp Op;
    Op.function = fnId(Fn);
    Op.api = Api;
    Op.kind = K;
    Op.target = Target;
    Op.loc = at(TU.file, 600 + static_cast<unsigned>(TU.fileOps.size()));
    TU.fileOps.push_back(Op);
    return TU.fileOps.back();
  }
  PoolFact &pool(const std::string &Name, const std::string &Type,
                 std::optional<std::int64_t> Size, const std::string &Fn = "") {
    PoolFact P;
    P.name = Name;
    P.type = Type;
    P.size = Size;
    P.sizeText = Size ? std::to_string(*Size) : "";
    P.function = fnId(Fn);
    P.loc = at(TU.file, 700 + static_cast<unsigned>(TU.pools.size()));
    P.id = "pool:" + TU.file + ":" + std::to_string(P.loc.line) + ":1";
    TU.pools.push_back(P);
    return TU.pools.back();
  }

  // --- results ------------------------------------------------------------------------------
  Program program() const { return mergeFacts({TU}); }
  LinkResult link(const LinkOptions &Options = LinkOptions()) const {
    return sa::link(program(), Options);
  }
  Reachability reach(const EntryPointOptions &Options = EntryPointOptions::defaults()) const {
    return computeReachability(program(), Options);
  }

  RecordFact *findRecord(const std::string &Name) {
    for (RecordFact &R : TU.records)
      if (R.name == Name)
        return &R;
    return nullptr;
  }

private:
  const FunctionFact *findFunction(const std::string &Name) const {
    for (const FunctionFact &F : TU.functions)
      if (F.name == Name)
        return &F;
    return nullptr;
  }
  void ensureMain() {
    for (const FunctionFact &F : TU.functions)
      if (F.isMain)
        return;
    mainFunction();
  }
};

// --- looking at findings ------------------------------------------------------------------------

/// Every finding of a link, its notes and entry points, in JSON: what the reports are made of,
/// for tests that two ways of building a program report the same.
inline std::string findingsJson(const LinkResult &R) {
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  for (const Finding &F : R.findings)
    OS << toJSON(F) << "\n";
  for (const std::string &N : R.notes)
    OS << N << "\n";
  OS << R.entryPoints << "\n";
  return Text;
}

/// The findings of `Rule` (every rule when empty) about `Symbol` (any symbol when empty).
inline std::vector<const Finding *> findingsOf(const LinkResult &R, const std::string &Rule,
                                               const std::string &Symbol = "") {
  std::vector<const Finding *> Out;
  for (const Finding &F : R.findings)
    if ((Rule.empty() || F.rule == Rule) && (Symbol.empty() || F.symbol == Symbol))
      Out.push_back(&F);
  return Out;
}

/// The one finding of `Rule` about `Symbol`, or nullptr when there is none or several.
inline const Finding *findingOf(const LinkResult &R, const std::string &Rule,
                                const std::string &Symbol) {
  std::vector<const Finding *> All = findingsOf(R, Rule, Symbol);
  return All.size() == 1 ? All.front() : nullptr;
}

// Findings point into the result: keep the LinkResult alive (no findingOf(B.link(), ...)).
std::vector<const Finding *> findingsOf(LinkResult &&, const std::string &,
                                        const std::string & = "") = delete;
const Finding *findingOf(LinkResult &&, const std::string &, const std::string &) = delete;
const Finding *findingFor(LinkResult &&, const std::string &) = delete;

/// The one finding of `Rule` about `Symbol`, as a copy; records a test failure naming what was
/// found instead (and returns an empty finding) when there is none or several.
inline Finding reported(const LinkResult &R, const std::string &Rule, const std::string &Symbol) {
  std::vector<const Finding *> All = findingsOf(R, Rule, Symbol);
  if (All.size() == 1)
    return *All.front();
  std::string Found;
  for (const Finding &F : R.findings)
    Found += "\n  " + F.rule + " " + F.symbol + ": " + F.message;
  ADD_FAILURE() << All.size() << " findings of " << Rule << " about '" << Symbol
                << "' instead of one; found:" << (Found.empty() ? " nothing" : Found);
  Finding None;
  None.level = Level::Note;
  None.rule = "(missing)";
  return None;
}
/// Links `B` and returns the one finding of `Rule` about `Symbol` (see above).
inline Finding reported(const FactsBuilder &B, const std::string &Rule, const std::string &Symbol,
                        const LinkOptions &Options = LinkOptions()) {
  return reported(B.link(Options), Rule, Symbol);
}

/// The first finding of any rule about `Symbol`.
inline const Finding *findingFor(const LinkResult &R, const std::string &Symbol) {
  std::vector<const Finding *> All = findingsOf(R, "", Symbol);
  return All.empty() ? nullptr : All.front();
}

/// The rules that report `Symbol`, in report order.
inline std::vector<std::string> rulesReporting(const LinkResult &R, const std::string &Symbol) {
  std::vector<std::string> Out;
  for (const Finding *F : findingsOf(R, "", Symbol))
    Out.push_back(F->rule);
  return Out;
}

/// How many evidence entries of `F` start with `Prefix`.
inline size_t evidenceStartingWith(const Finding &F, const std::string &Prefix) {
  size_t N = 0;
  for (const Evidence &E : F.evidence)
    N += E.message.compare(0, Prefix.size(), Prefix) == 0;
  return N;
}

} // namespace sa::test
