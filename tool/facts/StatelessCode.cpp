#include "facts/StatelessCode.h"

#include <algorithm>
#include <map>
#include <vector>

namespace sa {

size_t dropStatelessCalls(TUFacts &Facts, const std::set<std::string> &Defined) {
  // What keeps a function: anything a rule or the program model reads of it besides its
  // calls.
  std::set<std::string> Busy;
  for (const Access &A : Facts.accesses)
    Busy.insert(A.function);
  for (const FileOp &F : Facts.fileOps)
    Busy.insert(F.function);
  for (const PoolFact &P : Facts.pools)
    Busy.insert(P.function);
  for (const Creation &C : Facts.creations)
    Busy.insert(C.function);
  for (const CallableRef &C : Facts.callables) {
    Busy.insert(C.holder);
    Busy.insert(C.callable);
  }
  for (const StateDecl &D : Facts.decls)
    if (D.kind == StateKind::StaticLocal || D.kind == StateKind::CapturedLocal)
      Busy.insert(D.owner);
  for (const FunctionFact &F : Facts.functions) {
    if (F.isLambda || F.isVirtual || F.isMain || !F.overrides.empty() ||
        !F.overrideNames.empty() || !F.returnedCallables.empty() || !F.returnsStatic.empty())
      Busy.insert(F.id);
    if (F.isLambda)
      Busy.insert(F.parent);
    Busy.insert(F.returnedCallables.begin(), F.returnedCallables.end());
  }

  std::set<std::string> Stateless;
  for (const std::string &Id : Defined)
    if (!Busy.count(Id))
      Stateless.insert(Id);
  std::map<std::string, std::vector<const CallEdge *>> Out;
  for (const CallEdge &C : Facts.calls)
    Out[C.caller].push_back(&C);
  // The greatest set closed under calls: drop every function that calls something outside
  // it (a function whose body this TU did not see, every constructor of a record, a
  // function-local static's initialiser), until nothing changes.
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (auto It = Stateless.begin(); It != Stateless.end();) {
      bool Keep = true;
      if (auto O = Out.find(*It); O != Out.end())
        for (const CallEdge *C : O->second)
          Keep &= C->kind != CallKind::OnceInit && Stateless.count(C->callee) != 0;
      if (Keep) {
        ++It;
      } else {
        It = Stateless.erase(It);
        Changed = true;
      }
    }
  }

  size_t Before = Facts.calls.size();
  Facts.calls.erase(std::remove_if(Facts.calls.begin(), Facts.calls.end(),
                                   [&](const CallEdge &C) {
                                     return Stateless.count(C.caller) || Stateless.count(C.callee);
                                   }),
                    Facts.calls.end());
  return Before - Facts.calls.size();
}

} // namespace sa
