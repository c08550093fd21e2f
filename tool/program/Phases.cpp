#include "program/Phases.h"

#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <deque>
#include <set>

namespace sa {

namespace {

enum class EdgeKind { Call, Background };

struct Edge {
  std::string to;
  SourceLoc at;
  EdgeKind kind;
  Receiver receiver = Receiver::Other;
};

using Graph = std::map<std::string, std::vector<Edge>>;

std::string describeEntry(const CallableRef &R) {
  if (R.label.empty())
    return R.calleeName + " handler";
  return "handler '" + R.label + "' (" + R.calleeName + ")";
}

/// Everything reached from the seeds; background edges are followed only when asked.
std::map<std::string, Reached> walk(const Graph &G, const std::vector<std::string> &Seeds,
                                    bool FollowBackground) {
  std::map<std::string, Reached> Seen;
  std::deque<std::string> Queue;
  for (const std::string &S : Seeds)
    if (Seen.emplace(S, Reached{}).second)
      Queue.push_back(S);
  while (!Queue.empty()) {
    std::string F = Queue.front();
    Queue.pop_front();
    auto It = G.find(F);
    if (It == G.end())
      continue;
    for (const Edge &E : It->second) {
      if (E.kind == EdgeKind::Background && !FollowBackground)
        continue;
      if (Seen.emplace(E.to, Reached{F, E.at}).second)
        Queue.push_back(E.to);
    }
  }
  return Seen;
}

/// Everything reached from the seeds through functions `Allowed` admits, background edges
/// included: the code a phase runs, among what no earlier phase reached.
template <typename Pred>
std::map<std::string, Reached> walkWithin(const Graph &G, const std::vector<std::string> &Seeds,
                                          Pred Allowed) {
  std::map<std::string, Reached> Seen;
  std::deque<std::string> Queue;
  for (const std::string &S : Seeds)
    if (Allowed(S) && Seen.emplace(S, Reached{}).second)
      Queue.push_back(S);
  while (!Queue.empty()) {
    std::string F = Queue.front();
    Queue.pop_front();
    auto It = G.find(F);
    if (It == G.end())
      continue;
    for (const Edge &E : It->second)
      if (Allowed(E.to) && Seen.emplace(E.to, Reached{F, E.at}).second)
        Queue.push_back(E.to);
  }
  return Seen;
}

std::vector<std::string> chainIn(const std::map<std::string, Reached> &Set, const std::string &Fn) {
  std::vector<std::string> Out;
  std::set<std::string> Guard;
  for (std::string Cur = Fn; !Cur.empty() && Guard.insert(Cur).second;) {
    Out.push_back(Cur);
    auto It = Set.find(Cur);
    if (It == Set.end())
      break;
    Cur = It->second.from;
  }
  std::reverse(Out.begin(), Out.end());
  return Out;
}

} // namespace

const char *toString(Phase P) {
  switch (P) {
  case Phase::Request: return "request";
  case Phase::Background: return "background";
  case Phase::Unplaced: return "unplaced";
  case Phase::Construction: return "construction";
  case Phase::Configuration: return "configuration";
  case Phase::Teardown: return "teardown";
  case Phase::Startup: return "startup";
  }
  return "?";
}

Phase Reachability::phaseOf(const std::string &Fn) const {
  if (isRequest(Fn))
    return Phase::Request;
  if (isStartup(Fn))
    return Phase::Startup;
  if (teardown.count(Fn))
    return Phase::Teardown; // before background: a shutdown monitor's stop() stops the server
  if (isBackground(Fn))
    return Phase::Background;
  if (construction.count(Fn))
    return Phase::Construction;
  if (configuration.count(Fn))
    return Phase::Configuration;
  return Phase::Unplaced;
}

std::vector<std::string> Reachability::chain(const std::string &Fn, Phase Ph) const {
  switch (Ph) {
  case Phase::Request: return chainIn(request, Fn);
  case Phase::Startup:
    // Set-up a start-up thread does before it signals readiness: the thread's chain.
    return startup.count(Fn) || !background.count(Fn) ? chainIn(startup, Fn)
                                                       : chainIn(background, Fn);
  case Phase::Background: return chainIn(background, Fn);
  case Phase::Construction:
    // An object a request builds: the request's chain to where it is built.
    return construction.count(Fn) || !buildsOwnObject.count(Fn) ? chainIn(construction, Fn)
                                                                : chainIn(request, Fn);
  case Phase::Teardown: return chainIn(teardown, Fn);
  case Phase::Configuration: return chainIn(configuration, Fn);
  case Phase::Unplaced: break;
  }
  return {Fn};
}

std::vector<std::string> Reachability::requestChain(const std::string &Fn) const {
  return chainIn(request, Fn);
}
std::vector<std::string> Reachability::startupChain(const std::string &Fn) const {
  return chainIn(startup, Fn);
}
std::vector<std::string> Reachability::backgroundChain(const std::string &Fn) const {
  return chainIn(background, Fn);
}

const EntryPoint *Reachability::entryFor(const std::string &Fn) const {
  for (const EntryPoint &E : entries)
    if (E.function == Fn)
      return &E;
  return nullptr;
}

Reachability computeReachability(const Program &P, const EntryPointOptions &Options) {
  Reachability R;
  NamePatterns Registration(Options.registrationCalls), Excluded(Options.excludedCalls),
      Background(Options.backgroundCalls), Handlers(Options.handlerMethods),
      Explicit(Options.entryFunctions), Teardown(Options.teardownFunctions),
      Configuration(Options.configurationFunctions), TeardownCalls(Options.teardownCalls),
      OnceCalls(Options.onceCalls);
  for (const NamePatterns *N : {&Registration, &Excluded, &Background, &Handlers, &Explicit,
                                &Teardown, &Configuration, &TeardownCalls, &OnceCalls})
    R.patternErrors.insert(R.patternErrors.end(), N->errors().begin(), N->errors().end());

  // Overriders of every virtual method, transitively: a virtual call may land on any of them.
  std::map<std::string, std::vector<std::string>> DirectOverriders;
  for (const auto &[Id, F] : P.functions)
    for (const std::string &O : F.overrides)
      DirectOverriders[O].push_back(Id);
  auto Overriders = [&](const std::string &M) {
    std::vector<std::string> Out;
    std::set<std::string> Seen{M};
    std::deque<std::string> Queue{M};
    while (!Queue.empty()) {
      std::string Cur = Queue.front();
      Queue.pop_front();
      auto It = DirectOverriders.find(Cur);
      if (It == DirectOverriders.end())
        continue;
      for (const std::string &O : It->second)
        if (Seen.insert(O).second) {
          Out.push_back(O);
          Queue.push_back(O);
        }
    }
    return Out;
  };

  // A virtual call reaches the overriders whose class has objects (rapid type analysis): a
  // class that project code creates, or one of its bases. When no overrider's class is seen
  // created (objects made by a library), every overrider may run.
  std::set<std::string> Live;
  {
    std::deque<std::string> Queue(P.instantiated.begin(), P.instantiated.end());
    while (!Queue.empty()) {
      std::string Cur = Queue.front();
      Queue.pop_front();
      if (!Live.insert(Cur).second)
        continue;
      if (const RecordFact *Rec = P.record(Cur))
        for (const std::string &B : Rec->bases)
          Queue.push_back(B);
    }
  }
  auto LiveOverriders = [&](const std::string &M) {
    std::vector<std::string> All = Overriders(M), Out;
    for (const std::string &O : All)
      if (const FunctionFact *F = P.function(O); F && Live.count(F->record))
        Out.push_back(O);
    return Out.empty() ? All : Out;
  };

  std::map<std::string, std::vector<std::string>> CtorsOf; // by constructorsOf(record)
  for (const auto &[Id, F] : P.functions)
    if (F.isCtorOrDtor && F.name.find("::~") == std::string::npos && !F.record.empty())
      CtorsOf[constructorsOf(F.record)].push_back(Id);

  Graph G;
  for (const CallEdge &C : P.calls) {
    if (auto It = CtorsOf.find(C.callee); It != CtorsOf.end()) {
      for (const std::string &Ctor : It->second)
        G[C.caller].push_back({Ctor, C.loc, EdgeKind::Call, Receiver::Fresh});
      continue;
    }
    // A function-local static's constructor runs once, on first use: it is construction,
    // not the work of whoever happens to call first.
    if (C.kind == CallKind::OnceInit)
      continue;
    // A constructor runs on the object being made.
    Receiver On = C.kind == CallKind::Construct ? Receiver::Fresh : C.receiver;
    G[C.caller].push_back({C.callee, C.loc, EdgeKind::Call, On});
    if (C.kind == CallKind::Virtual)
      for (const std::string &O : LiveOverriders(C.callee))
        G[C.caller].push_back({O, C.loc, EdgeKind::Call, On});
  }

  // What a callable reference hands over: the callable itself, or what a factory returns.
  auto Targets = [&](const CallableRef &C) {
    std::vector<std::string> Out;
    if (!C.viaReturn) {
      Out.push_back(C.callable);
    } else if (const FunctionFact *F = P.function(C.callable)) {
      Out = F->returnedCallables;
    }
    return Out;
  };

  std::map<std::string, EntryPoint> Entries;
  auto AddEntry = [&](const std::string &Fn, std::string Description, const SourceLoc &Loc,
                      const std::string &Holder = {}, bool Override = false) {
    auto It = Entries.find(Fn);
    if (It == Entries.end() || Loc < It->second.loc)
      Entries[Fn] = EntryPoint{Fn, std::move(Description), Loc, Holder, Override};
  };

  // A callable a thread or a pool receives runs there. The call around it that also sees it
  // in its argument (`worker_ = std::thread([this] {...})`, `threads.push_back(std::thread(f))`)
  // does not run it.
  std::set<std::pair<std::string, std::string>> RunInBackground;
  for (const CallableRef &C : P.callables)
    if (Background.matches(C.calleeName, C.callee))
      for (const std::string &T : Targets(C))
        RunInBackground.insert({C.holder, T});

  std::vector<std::string> ExitHandlers, RunOnce;
  for (const CallableRef &C : P.callables) {
    if (Excluded.matches(C.calleeName, C.callee)) {
      // A signal handler or an atexit hook: not request code, and not start-up either; it
      // runs when the server stops. What call_once runs, runs once.
      for (const std::string &T : Targets(C)) {
        if (TeardownCalls.matches(C.calleeName, C.callee))
          ExitHandlers.push_back(T);
        else if (OnceCalls.matches(C.calleeName, C.callee))
          RunOnce.push_back(T);
      }
      continue;
    }
    bool Registers = Registration.matches(C.calleeName, C.callee);
    bool InBackground = Background.matches(C.calleeName, C.callee);
    for (const std::string &T : Targets(C)) {
      if (Registers)
        AddEntry(T, describeEntry(C), C.loc, C.holder);
      else if (InBackground || !RunInBackground.count({C.holder, T}))
        G[C.holder].push_back({T, C.loc, InBackground ? EdgeKind::Background : EdgeKind::Call});
    }
  }
  // An override handles requests only in a class that has objects: when a sibling class
  // deriving from the same bases is created and this one never is, it is the other side's
  // (a client's callbacks next to a server's). With no objects seen at all, every override
  // counts.
  std::map<std::string, std::vector<std::string>> BasesOf;
  for (const auto &[Id, Rec] : P.records)
    BasesOf[Id] = Rec.bases;
  auto AllBases = [&](const std::string &Record) {
    std::set<std::string> Out;
    std::deque<std::string> Queue{Record};
    while (!Queue.empty()) {
      std::string Cur = Queue.front();
      Queue.pop_front();
      for (const std::string &B : BasesOf[Cur])
        if (Out.insert(B).second)
          Queue.push_back(B);
    }
    return Out;
  };
  std::set<std::string> BasesWithObjects; // bases of classes that have objects
  for (const std::string &L : P.instantiated)
    for (const std::string &B : AllBases(L))
      BasesWithObjects.insert(B);
  auto WithoutObjects = [&](const FunctionFact &F) {
    if (F.record.empty() || Live.count(F.record))
      return false;
    for (const std::string &B : AllBases(F.record))
      if (BasesWithObjects.count(B))
        return true;
    return false;
  };
  for (const auto &[Id, F] : P.functions) {
    // A destructor overrides its base's but handles nothing.
    if (F.isCtorOrDtor || F.overrideNames.empty() || WithoutObjects(F))
      continue;
    for (const std::string &Name : F.overrideNames)
      if (Handlers.matches(Name)) {
        AddEntry(Id, F.name + " (overrides " + Name + ")", F.loc, {}, /*Override=*/true);
        break;
      }
  }
  for (const auto &[Id, F] : P.functions)
    if (!F.isCtorOrDtor && !Explicit.empty() && Explicit.matches(F.name))
      AddEntry(Id, F.name + " (configured entry point)", F.loc);
  for (auto &[Id, E] : Entries)
    R.entries.push_back(E);
  std::sort(R.entries.begin(), R.entries.end(),
            [](const EntryPoint &A, const EntryPoint &B) {
              return std::tie(A.loc, A.function) < std::tie(B.loc, B.function);
            });

  std::vector<std::string> StartSeeds{""};
  for (const auto &[Id, F] : P.functions)
    if (F.isMain)
      StartSeeds.push_back(Id);
  R.startup = walk(G, StartSeeds, /*FollowBackground=*/false);

  std::vector<std::string> BackgroundSeeds;
  for (const auto &[Caller, Edges] : G)
    if (R.startup.count(Caller))
      for (const Edge &E : Edges)
        if (E.kind == EdgeKind::Background)
          BackgroundSeeds.push_back(E.to);
  R.background = walk(G, BackgroundSeeds, true);

  std::vector<std::string> RequestSeeds;
  for (const EntryPoint &E : R.entries)
    RequestSeeds.push_back(E.function);
  if (RequestSeeds.empty()) {
    // Nothing recognised: rather than miss the state, every function outside the start-up
    // path counts as request code.
    R.noEntryPoints = true;
    for (const auto &[Id, F] : P.functions)
      if (!R.startup.count(Id) && !R.background.count(Id))
        RequestSeeds.push_back(Id);
  }
  R.request = walk(G, RequestSeeds, true);

  // Request code that only ever runs on an object the request is building: every call into it
  // from request code is on a fresh object, or on the caller's own object when the caller is
  // itself building one. The greatest such set: start from every candidate and drop those
  // with another caller until nothing changes.
  {
    std::set<std::string> Entry(RequestSeeds.begin(), RequestSeeds.end());
    std::map<std::string, std::vector<std::pair<std::string, Receiver>>> Into;
    for (const auto &[From, Edges] : G)
      if (R.request.count(From))
        for (const Edge &E : Edges)
          Into[E.to].push_back({From, E.kind == EdgeKind::Call ? E.receiver : Receiver::Other});
    std::set<std::string> &Owned = R.buildsOwnObject;
    for (const auto &[Fn, Callers] : Into)
      if (R.request.count(Fn) && !Entry.count(Fn))
        Owned.insert(Fn);
    for (bool Changed = true; Changed;) {
      Changed = false;
      for (auto It = Owned.begin(); It != Owned.end();) {
        bool Keep = true;
        for (const auto &[From, On] : Into[*It])
          Keep &= On == Receiver::Fresh || (On == Receiver::This && Owned.count(From) != 0);
        if (Keep) {
          ++It;
        } else {
          It = Owned.erase(It);
          Changed = true;
        }
      }
    }
  }

  // What none of the above reaches: objects being built, the server stopping, the set-up API
  // an embedding application calls. Each phase keeps to functions no earlier phase has.
  auto Placed = [&](const std::string &Fn) {
    return R.request.count(Fn) || R.startup.count(Fn) || R.background.count(Fn) ||
           R.construction.count(Fn) || R.teardown.count(Fn) || R.configuration.count(Fn);
  };
  auto Unplaced = [&](const std::string &Fn) { return !Fn.empty() && !Placed(Fn); };
  std::vector<std::string> Constructors, Stopping, SetUp;
  for (const auto &[Id, F] : P.functions) {
    std::string Short = F.name.substr(F.name.rfind("::") == std::string::npos ? 0 : F.name.rfind("::") + 2);
    bool Destructor = F.isCtorOrDtor && llvm::StringRef(Short).starts_with("~");
    if (F.isCtorOrDtor && !Destructor)
      Constructors.push_back(Id);
    if (Destructor || (!F.isLambda && Teardown.matches(F.name)))
      Stopping.push_back(Id);
    if (!F.isLambda && !F.isCtorOrDtor && Configuration.matches(F.name))
      SetUp.push_back(Id);
  }
  Stopping.insert(Stopping.end(), ExitHandlers.begin(), ExitHandlers.end());
  Constructors.insert(Constructors.end(), RunOnce.begin(), RunOnce.end());
  R.construction = walkWithin(G, Constructors, Unplaced);
  // Only what constructors alone call is construction: a helper that other code calls too
  // runs whenever that code does.
  std::map<std::string, std::set<std::string>> Callers;
  for (const auto &[From, Edges] : G)
    for (const Edge &E : Edges)
      Callers[E.to].insert(From);
  std::set<std::string> Seeds(Constructors.begin(), Constructors.end());
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (auto It = R.construction.begin(); It != R.construction.end();) {
      bool Only = Seeds.count(It->first) != 0;
      if (!Only) {
        Only = true;
        for (const std::string &C : Callers[It->first])
          Only &= R.construction.count(C) != 0;
      }
      if (Only) {
        ++It;
      } else {
        It = R.construction.erase(It);
        Changed = true;
      }
    }
  }
  R.teardown = walkWithin(G, Stopping, Unplaced);
  // A stop or shutdown function that background work calls (a shutdown monitor, a thread
  // watching for a signal) runs when the server stops, not while it serves: the function
  // itself is teardown. What it calls keeps its phase: a helper shared with a work loop still
  // runs in that loop.
  for (const std::string &Id : Stopping)
    if (R.background.count(Id) && !R.request.count(Id) && !R.startup.count(Id))
      R.teardown.emplace(Id, Reached{});
  R.configuration = walkWithin(G, SetUp, Unplaced);
  return R;
}

} // namespace sa
