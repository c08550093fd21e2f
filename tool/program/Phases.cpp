#include "program/Phases.h"

#include <algorithm>
#include <deque>

namespace sa {

namespace {

enum class EdgeKind { Call, Background };

struct Edge {
  std::string to;
  SourceLoc at;
  EdgeKind kind;
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

std::vector<std::string> chain(const std::map<std::string, Reached> &Set, const std::string &Fn) {
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

std::vector<std::string> Reachability::requestChain(const std::string &Fn) const {
  return chain(request, Fn);
}
std::vector<std::string> Reachability::startupChain(const std::string &Fn) const {
  return chain(startup, Fn);
}
std::vector<std::string> Reachability::backgroundChain(const std::string &Fn) const {
  return chain(background, Fn);
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
      Explicit(Options.entryFunctions);
  for (const NamePatterns *N : {&Registration, &Excluded, &Background, &Handlers, &Explicit})
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

  Graph G;
  for (const CallEdge &C : P.calls) {
    G[C.caller].push_back({C.callee, C.loc, EdgeKind::Call});
    if (C.kind == CallKind::Virtual)
      for (const std::string &O : Overriders(C.callee))
        G[C.caller].push_back({O, C.loc, EdgeKind::Call});
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
  auto AddEntry = [&](const std::string &Fn, std::string Description, const SourceLoc &Loc) {
    auto It = Entries.find(Fn);
    if (It == Entries.end() || Loc < It->second.loc)
      Entries[Fn] = EntryPoint{Fn, std::move(Description), Loc};
  };

  for (const CallableRef &C : P.callables) {
    if (Excluded.matches(C.calleeName, C.callee))
      continue; // a signal handler or an atexit hook: not request code, and not start-up either
    bool Registers = Registration.matches(C.calleeName, C.callee);
    for (const std::string &T : Targets(C)) {
      if (Registers)
        AddEntry(T, describeEntry(C), C.loc);
      else
        G[C.holder].push_back({T, C.loc,
                               Background.matches(C.calleeName, C.callee) ? EdgeKind::Background
                                                                          : EdgeKind::Call});
    }
  }
  for (const auto &[Id, F] : P.functions) {
    // A destructor overrides its base's but handles nothing.
    if (F.isCtorOrDtor)
      continue;
    for (const std::string &Name : F.overrideNames)
      if (Handlers.matches(Name)) {
        AddEntry(Id, F.name + " (overrides " + Name + ")", F.loc);
        break;
      }
    if (!Explicit.empty() && Explicit.matches(F.name))
      AddEntry(Id, F.name + " (configured entry point)", F.loc);
  }
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
  return R;
}

} // namespace sa
