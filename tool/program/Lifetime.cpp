#include "program/Lifetime.h"

#include <deque>
#include <map>
#include <vector>

namespace sa {

std::set<std::string> longLivedRecords(const Program &P, const Reachability &R,
                                       const EntryPointOptions &Options) {
  std::set<std::string> LongLived;
  NamePatterns Configured(Options.longLivedClasses);
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
  NamePatterns Registration(Options.registrationCalls);
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
  // Whatever a long-lived object owns, its bases, and the classes derived from it (the object
  // behind a base pointer) live as long.
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
  return LongLived;
}

} // namespace sa
