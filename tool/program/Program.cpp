#include "program/Program.h"

#include <algorithm>
#include <set>

namespace sa {

const FunctionFact *Program::function(const std::string &Id) const {
  auto It = functions.find(Id);
  return It == functions.end() ? nullptr : &It->second;
}
const StateDecl *Program::state(const std::string &Id) const {
  auto It = states.find(Id);
  return It == states.end() ? nullptr : &It->second;
}
const RecordFact *Program::record(const std::string &Id) const {
  auto It = records.find(Id);
  return It == records.end() ? nullptr : &It->second;
}

namespace {

template <typename T> void mergeById(std::map<std::string, T> &Into, const T &Fact) {
  auto [It, Inserted] = Into.emplace(Fact.id, Fact);
  if (!Inserted && Fact.loc < It->second.loc)
    It->second = Fact;
}

void mergeStrings(std::vector<std::string> &Into, const std::vector<std::string> &From) {
  Into.insert(Into.end(), From.begin(), From.end());
  std::sort(Into.begin(), Into.end());
  Into.erase(std::unique(Into.begin(), Into.end()), Into.end());
}

template <typename T> void append(std::vector<T> &Into, const std::vector<T> &From) {
  Into.insert(Into.end(), From.begin(), From.end());
}

/// Statements run on a database handle kept in state (`sqlite3_exec(g_db, ...)`), joined to
/// where that handle was opened: in memory, they write the state that holds the handle (this
/// instance's memory); on a file, they write that file where they run; a handle whose opening
/// is not seen stays an opaque pointer, written by nothing.
void joinDatabaseHandles(TUFacts &All) {
  std::map<std::string, const FileOp *> OnFile;
  std::set<std::string> InMemory;
  for (const FileOp &Op : All.fileOps) {
    if (Op.handle.empty())
      continue;
    if (Op.kind == FileOpKind::OpenMemory) {
      InMemory.insert(Op.handle);
      continue;
    }
    auto [It, Inserted] = OnFile.emplace(Op.handle, &Op);
    if (!Inserted && Op.loc < It->second->loc)
      It->second = &Op;
  }
  std::vector<FileOp> Statements;
  auto Joined = [&](const Access &A) {
    if (A.kind != AccessKind::StoreWrite || InMemory.count(A.target))
      return false;
    if (auto It = OnFile.find(A.target); It != OnFile.end()) {
      FileOp S;
      S.function = A.function;
      S.api = A.method;
      S.kind = FileOpKind::Statement;
      S.target = It->second->target;
      S.store = It->second->store;
      S.handle = A.target;
      S.openedAt = It->second->loc;
      S.loc = A.loc;
      Statements.push_back(std::move(S));
    }
    return true;
  };
  All.accesses.erase(std::remove_if(All.accesses.begin(), All.accesses.end(), Joined),
                     All.accesses.end());
  All.fileOps.erase(std::remove_if(All.fileOps.begin(), All.fileOps.end(),
                                   [](const FileOp &Op) { return Op.kind == FileOpKind::OpenMemory; }),
                    All.fileOps.end());
  append(All.fileOps, Statements);
}

} // namespace

Program mergeFacts(const std::vector<TUFacts> &TUs) {
  Program P;
  TUFacts All; // the lists, concatenated then normalised once
  for (const TUFacts &TU : TUs) {
    P.tus.push_back({TU.file, TU.status, TU.firstError, TU.errorCount});
    for (const StateDecl &D : TU.decls)
      mergeById(P.states, D);
    for (const RecordFact &R : TU.records) {
      auto [It, Inserted] = P.records.emplace(R.id, R);
      if (!Inserted) {
        // A record's bases are the same in every TU; the union guards against a TU that saw
        // only part of the definition during error recovery.
        mergeStrings(It->second.bases, R.bases);
        mergeStrings(It->second.heldRecords, R.heldRecords);
        mergeStrings(It->second.fieldNames, R.fieldNames);
        It->second.queuesWork |= R.queuesWork;
        if (R.loc < It->second.loc)
          It->second.loc = R.loc;
      }
    }
    for (const FunctionFact &F : TU.functions) {
      auto [It, Inserted] = P.functions.emplace(F.id, F);
      if (!Inserted) {
        FunctionFact &M = It->second;
        mergeStrings(M.overrides, F.overrides);
        mergeStrings(M.overrideNames, F.overrideNames);
        mergeStrings(M.captureRecords, F.captureRecords);
        mergeStrings(M.returnedCallables, F.returnedCallables);
        if (M.returnsStatic.empty())
          M.returnsStatic = F.returnsStatic;
        if (F.loc < M.loc) {
          M.loc = F.loc;
          M.name = F.name;
        }
      }
    }
    P.instantiated.insert(TU.instantiated.begin(), TU.instantiated.end());
    append(All.creations, TU.creations);
    append(All.accesses, TU.accesses);
    append(All.calls, TU.calls);
    append(All.callables, TU.callables);
    append(All.fileOps, TU.fileOps);
    append(All.pools, TU.pools);
    append(All.suppressions, TU.suppressions);
  }
  joinDatabaseHandles(All);
  normalize(All);
  P.accesses = std::move(All.accesses);
  P.calls = std::move(All.calls);
  P.callables = std::move(All.callables);
  P.fileOps = std::move(All.fileOps);
  P.pools = std::move(All.pools);
  P.suppressions = std::move(All.suppressions);
  P.creations = std::move(All.creations);
  std::sort(P.tus.begin(), P.tus.end(),
            [](const TUSummary &A, const TUSummary &B) { return A.file < B.file; });
  return P;
}

} // namespace sa
