#include "program/Lifetime.h"

#include <deque>
#include <map>
#include <vector>

namespace sa {

std::set<std::string> longLivedRecords(const Program &P, const Reachability &R,
                                       const EntryPointOptions &Options) {
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

  std::set<std::string> LongLived, Whole;
  // `Whole`: an object of exactly this class or of a derived one is held (behind a pointer
  // to it, the object may be of any derived class). A base reached from a long-lived class is
  // only that class's part: its other derived classes are not reached through it.
  std::deque<std::pair<std::string, bool>> Queue;
  auto Add = [&](const std::string &Record, bool AsWhole) {
    if (Record.empty())
      return;
    bool New = LongLived.insert(Record).second;
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
      Add(D.typeRecord, true);
  }
  // A handler registered outside request code keeps its object alive as long as the
  // registration: the class of a captured `this`, the object that registers it. Registered
  // while serving (a connection wiring its own callbacks), it lives as long as that work.
  // An override of a handler interface says nothing of its object's lifetime: the object may
  // be made per connection; ownership decides.
  for (const EntryPoint &E : R.entries)
    if (const FunctionFact *F = P.function(E.function); F && !E.override && !R.isRequest(E.holder)) {
      Add(F->record, true);
      for (const std::string &C : F->captureRecords)
        Add(C, true);
    }
  NamePatterns Registration(Options.registrationCalls);
  for (const CallableRef &C : P.callables) {
    if (!Registration.matches(C.calleeName, C.callee) || R.isRequest(C.holder))
      continue;
    if (!C.thisRecord.empty())
      Add(C.thisRecord, true);
    if (const FunctionFact *H = P.function(C.holder); H && !H->isLambda)
      Add(H->record, true);
  }
  // A handler object created at start-up (in main, or what only it runs) and registered there
  // serves for the process's life.
  std::set<std::string> OverrideClasses;
  for (const EntryPoint &E : R.entries)
    if (const FunctionFact *F = P.function(E.function); F && E.override)
      OverrideClasses.insert(F->record);
  for (const Creation &C : P.creations)
    if (OverrideClasses.count(C.record) && R.isStartup(C.function) && !C.function.empty())
      Add(C.record, true);
  if (!Configured.empty())
    for (const auto &[Id, Rec] : P.records)
      if (Configured.matches(Rec.name))
        Add(Id, true);
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
        if (!PerKey.count(H))
          Add(H, true);
      for (const std::string &B : Rec->bases)
        Add(B, false);
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
      Add(D, true);
  }
  return LongLived;
}

} // namespace sa
