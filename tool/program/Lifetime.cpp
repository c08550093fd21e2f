#include "program/Lifetime.h"

#include <deque>
#include <map>
#include <vector>

namespace sa {

std::set<std::string> longLivedRecords(const Program &P, const Reachability &R,
                                       const EntryPointOptions &Options,
                                       std::map<std::string, std::string> *Why) {
  // An object stored as an element of a container (`map<id, shared_ptr<Session>>`) lives as
  // long as its entry: per key, not per instance. Its fields are the container's contents.
  std::set<std::string> PerKey;
  for (const auto &[Id, D] : P.states)
    if (!D.elementRecord.empty())
      PerKey.insert(D.elementRecord);
  // Classes with objects: created by project code, or a base of one.
  std::set<std::string> Live;
  std::deque<std::string> Bases(P.instantiated.begin(), P.instantiated.end());
  while (!Bases.empty()) {
    std::string Cur = Bases.front();
    Bases.pop_front();
    if (Live.insert(Cur).second)
      if (const RecordFact *Rec = P.record(Cur))
        Bases.insert(Bases.end(), Rec->bases.begin(), Rec->bases.end());
  }

  // Objects made only while serving (every place project code creates one is request code)
  // belong to the work that made them: a connection's filters and parsers, a request's
  // builders. One made once, on first use, into an empty member of its holder
  // (`if (!store_) store_ = ...`) is the holder's, as if the holder had made it. A long-lived object that points to one got it by a write while serving, and that
  // write is reported on the long-lived side; the object's own fields are not state of the
  // server. Held by value, an object is part of its holder whatever else creates objects of
  // its class.
  std::map<std::string, bool> MadeWhileServing;
  for (const Creation &C : P.creations) {
    auto [It, New] = MadeWhileServing.emplace(C.record, true);
    It->second = It->second && !C.once && !C.function.empty() && R.isRequest(C.function);
  }
  auto RequestMade = [&](const std::string &Record) {
    auto It = MadeWhileServing.find(Record);
    return It != MadeWhileServing.end() && It->second;
  };
  std::map<std::string, std::set<std::string>> ByValue; // holder -> records it holds by value
  for (const auto &[Id, D] : P.states)
    if (D.kind == StateKind::Field && !D.typeRecord.empty() && D.shape != TypeShape::Pointer)
      ByValue[D.owner].insert(D.typeRecord);

  std::set<std::string> LongLived, Whole;
  // `Whole`: an object of exactly this class or of a derived one is held (behind a pointer
  // to it, the object may be of any derived class). A base reached from a long-lived class is
  // only that class's part: its other derived classes are not reached through it.
  std::deque<std::pair<std::string, bool>> Queue;
  auto Add = [&](const std::string &Record, bool AsWhole, const std::string &Reason) {
    if (Record.empty())
      return;
    bool New = LongLived.insert(Record).second;
    if (New && Why)
      (*Why)[Record] = Reason;
    bool NewWhole = AsWhole && Whole.insert(Record).second;
    if (New || NewWhole)
      Queue.push_back({Record, AsWhole});
  };
  NamePatterns Configured(Options.longLivedClasses);
  for (const auto &[Id, D] : P.states) {
    bool Static = D.kind == StateKind::Global || D.kind == StateKind::StaticLocal ||
                  D.kind == StateKind::StaticMember;
    // A local captured by reference lives as long as its scope: long for main() or a set-up
    // function, one request for a local of request code.
    bool LongScope = D.kind == StateKind::CapturedLocal && !D.closureCopy && !R.isRequest(D.owner);
    if (Static || LongScope)
      Add(D.typeRecord, true, "held by " + D.id);
  }
  // An object wiring its own callbacks while it is built (a filter registering with its
  // parser in its constructor) lives as long as whoever made it: that says something only when
  // an object of the class is made at start-up, or none is seen made at all.
  std::map<std::string, bool> MadeAtStartup; // record -> some creation is start-up code
  for (const Creation &C : P.creations)
    MadeAtStartup[C.record] = MadeAtStartup[C.record] || R.isStartup(C.function);
  auto RegistrationKeepsAlive = [&](const std::string &Record, const FunctionFact *Holder) {
    if (!Holder || !Holder->isCtorOrDtor || Holder->record != Record)
      return true;
    auto It = MadeAtStartup.find(Record);
    return It == MadeAtStartup.end() || It->second;
  };
  // A handler registered outside request code keeps its object alive as long as the
  // registration: the class of a captured `this`, the object that registers it. Registered
  // while serving (a connection wiring its own callbacks), it lives as long as that work.
  // An override of a handler interface says nothing of its object's lifetime: the object may
  // be made per connection; ownership decides.
  for (const EntryPoint &E : R.entries)
    if (const FunctionFact *F = P.function(E.function); F && !E.override && !R.isRequest(E.holder)) {
      if (!RegistrationKeepsAlive(F->record, P.function(E.holder)))
        continue;
      Add(F->record, true, "handler class of " + E.function);
      for (const std::string &C : F->captureRecords)
        Add(C, true, "captured by handler " + E.function);
    }
  NamePatterns Registration(Options.registrationCalls);
  for (const CallableRef &C : P.callables) {
    if (!Registration.matches(C.calleeName, C.callee) || R.isRequest(C.holder))
      continue;
    const FunctionFact *H = P.function(C.holder);
    if (!C.thisRecord.empty() && RegistrationKeepsAlive(C.thisRecord, H))
      Add(C.thisRecord, true, "registers a handler in " + C.holder);
    if (H && !H->isLambda && RegistrationKeepsAlive(H->record, H))
      Add(H->record, true, "registers a handler in " + C.holder);
  }
  // A handler object created at start-up (in main, or what only it runs) and registered there
  // serves for the process's life.
  std::set<std::string> OverrideClasses;
  for (const EntryPoint &E : R.entries)
    if (const FunctionFact *F = P.function(E.function); F && E.override)
      OverrideClasses.insert(F->record);
  for (const Creation &C : P.creations)
    if (OverrideClasses.count(C.record) && R.isStartup(C.function) && !C.function.empty())
      Add(C.record, true, "handler object created at start-up in " + C.function);
  if (!Configured.empty())
    for (const auto &[Id, Rec] : P.records)
      if (Configured.matches(Rec.name))
        Add(Id, true, "configured long-lived");
  // Whatever a long-lived object owns lives as long (unless it is kept per key), and so do its
  // bases; behind a held base, the derived classes with objects.
  std::map<std::string, std::vector<std::string>> Derived;
  for (const auto &[Id, Rec] : P.records)
    for (const std::string &B : Rec.bases)
      Derived[B].push_back(Id);
  while (!Queue.empty()) {
    auto [Cur, AsWhole] = Queue.front();
    Queue.pop_front();
    if (const RecordFact *Rec = P.record(Cur)) {
      for (const std::string &H : Rec->heldRecords)
        if (!PerKey.count(H) && (!RequestMade(H) || ByValue[Cur].count(H)))
          Add(H, true, "held by " + Cur);
      for (const std::string &B : Rec->bases)
        Add(B, false, "base of " + Cur);
    }
    if (!AsWhole)
      continue;
    std::vector<std::string> Behind;
    for (const std::string &D : Derived[Cur])
      if (Live.count(D))
        Behind.push_back(D);
    if (Behind.empty())
      Behind = Derived[Cur]; // no objects seen: any derived class may be behind the pointer
    for (const std::string &D : Behind)
      if (!RequestMade(D))
        Add(D, true, "derived from " + Cur);
  }
  return LongLived;
}

} // namespace sa
