#include "program/Program.h"

#include <algorithm>
#include <set>
#include <tuple>

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

/// The smallest location wins; among facts at one location the total order decides, so the
/// merge does not depend on the order TUs or file groups arrive in.
void mergeById(std::map<std::string, StateDecl> &Into, const StateDecl &Fact) {
  auto [It, Inserted] = Into.emplace(Fact.id, Fact);
  if (!Inserted && totalLess(Fact, It->second))
    It->second = Fact;
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
    if (!Inserted && totalLess(Op, *It->second))
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
  std::vector<TUSummary> Summaries;
  std::vector<GroupUse> Facts;
  for (const TUFacts &TU : TUs) {
    Summaries.push_back(TU.summary());
    Facts.push_back({&TU, 1});
  }
  return linkGroups(std::move(Summaries), Facts);
}

namespace {
void sortUnique(std::vector<std::string> &V) {
  std::sort(V.begin(), V.end());
  V.erase(std::unique(V.begin(), V.end()), V.end());
}
} // namespace

/// Room in `All` for every group's lists, so that concatenating them copies each fact once.
static void reserveFor(TUFacts &All, const std::vector<GroupUse> &Groups) {
  auto Lists = std::make_tuple(&TUFacts::creations, &TUFacts::accesses, &TUFacts::calls,
                               &TUFacts::callables, &TUFacts::fileOps, &TUFacts::pools,
                               &TUFacts::suppressions);
  std::apply(
      [&](auto... List) {
        auto Reserve = [&](auto Member) {
          size_t Size = 0;
          for (const GroupUse &G : Groups)
            Size += (G.facts->*Member).size();
          (All.*Member).reserve(Size);
        };
        (Reserve(List), ...);
      },
      Lists);
}

Program linkGroups(std::vector<TUSummary> TUs, const std::vector<GroupUse> &Groups) {
  Program P;
  P.tus = std::move(TUs);
  TUFacts All; // the lists, concatenated then normalised once
  // A record or function met more than once (in several TUs, or twice in one) has its lists
  // merged: the union, sorted. Met once, they stay as extracted (in declaration order).
  std::map<std::string, size_t> RecordsMet, FunctionsMet;
  reserveFor(All, Groups);
  for (const GroupUse &G : Groups) {
    const TUFacts &TU = *G.facts;
    for (const StateDecl &D : TU.decls)
      mergeById(P.states, D);
    for (const RecordFact &R : TU.records) {
      RecordsMet[R.id] += G.tus;
      auto [It, Inserted] = P.records.emplace(R.id, R);
      if (!Inserted) {
        // A record's bases are the same in every TU; the union guards against a TU that saw
        // only part of the definition during error recovery.
        RecordFact &M = It->second;
        for (auto List : {&RecordFact::bases, &RecordFact::heldRecords, &RecordFact::fieldNames})
          append(M.*List, R.*List);
        M.queuesWork |= R.queuesWork;
        if (std::tie(R.loc, R.name) < std::tie(M.loc, M.name)) {
          M.loc = R.loc;
          M.name = R.name;
        }
      }
    }
    for (const FunctionFact &F : TU.functions) {
      FunctionsMet[F.id] += G.tus;
      auto [It, Inserted] = P.functions.emplace(F.id, F);
      if (!Inserted) {
        FunctionFact &M = It->second;
        for (auto List : {&FunctionFact::overrides, &FunctionFact::overrideNames,
                          &FunctionFact::captureRecords, &FunctionFact::returnedCallables})
          append(M.*List, F.*List);
        if (M.returnsStatic.empty() || (!F.returnsStatic.empty() && F.returnsStatic < M.returnsStatic))
          M.returnsStatic = F.returnsStatic;
        // What one fact says alone comes from the one at the smallest location (then the
        // smallest of the rest), whichever arrived first.
        auto Own = [](const FunctionFact &X) {
          return std::tie(X.loc, X.name, X.record, X.parent, X.isLambda, X.isVirtual,
                          X.isCtorOrDtor, X.isMain);
        };
        if (Own(F) < Own(M)) {
          M.loc = F.loc;
          M.name = F.name;
          M.record = F.record;
          M.parent = F.parent;
          M.isLambda = F.isLambda;
          M.isVirtual = F.isVirtual;
          M.isCtorOrDtor = F.isCtorOrDtor;
          M.isMain = F.isMain;
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
  for (auto &[Id, Met] : RecordsMet)
    if (Met > 1)
      for (auto List : {&RecordFact::bases, &RecordFact::heldRecords, &RecordFact::fieldNames})
        sortUnique(P.records[Id].*List);
  for (auto &[Id, Met] : FunctionsMet)
    if (Met > 1)
      for (auto List : {&FunctionFact::overrides, &FunctionFact::overrideNames,
                        &FunctionFact::captureRecords, &FunctionFact::returnedCallables})
        sortUnique(P.functions[Id].*List);
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
