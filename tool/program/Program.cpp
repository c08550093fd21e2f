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
/// merge does not depend on the order TUs or file groups arrive in. `Fact` is moved from only
/// when it is taken.
template <typename Fact> void mergeById(std::map<std::string, StateDecl> &Into, Fact &&D) {
  auto It = Into.find(D.id);
  if (It == Into.end())
    Into.emplace(D.id, std::forward<Fact>(D));
  else if (totalLess(D, It->second))
    It->second = std::forward<Fact>(D);
}

template <typename T> void append(std::vector<T> &Into, const std::vector<T> &From) {
  Into.insert(Into.end(), From.begin(), From.end());
}
template <typename T> void append(std::vector<T> &Into, std::vector<T> &&From) {
  if (Into.empty() && Into.capacity() < From.size()) {
    Into = std::move(From);
    return;
  }
  Into.insert(Into.end(), std::make_move_iterator(From.begin()), std::make_move_iterator(From.end()));
  From = std::vector<T>();
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

static const TUFacts &factsOf(const GroupUse &G) { return *G.facts; }
static TUFacts &factsOf(OwnedGroup &G) { return G.facts; }

/// The lists of `All` that concatenate the groups' lists.
constexpr auto ConcatenatedLists =
    std::make_tuple(&TUFacts::creations, &TUFacts::accesses, &TUFacts::calls,
                    &TUFacts::callables, &TUFacts::fileOps, &TUFacts::pools,
                    &TUFacts::suppressions);

/// Room in `All` for every group's lists, so that concatenating them copies each fact once.
/// Groups given away (`Owned`) lend their largest list instead: it is moved, not copied,
/// and the others are appended to it.
template <bool Owned, typename Group>
static void prepareLists(TUFacts &All, std::vector<Group> &Groups) {
  std::apply(
      [&](auto... List) {
        auto Prepare = [&](auto Member) {
          size_t Size = 0;
          Group *Largest = nullptr;
          for (Group &G : Groups) {
            size_t N = (factsOf(G).*Member).size();
            Size += N;
            if (!Largest || N > (factsOf(*Largest).*Member).size())
              Largest = &G;
          }
          if constexpr (Owned)
            if (Largest)
              All.*Member = std::move(factsOf(*Largest).*Member);
          (All.*Member).reserve(Size);
        };
        (Prepare(List), ...);
      },
      ConcatenatedLists);
}

/// Merges the groups into `P` (every list but those of ConcatenatedLists, which go to `All`);
/// with `Owned`, the groups' facts are moved, not copied.
template <bool Owned, typename Group>
static void mergeGroups(Program &P, TUFacts &All, std::vector<Group> &Groups) {
  // Moved when the group is given away, copied otherwise.
  auto Give = [](auto &X) -> decltype(auto) {
    if constexpr (Owned)
      return std::move(X);
    else
      return static_cast<const std::remove_reference_t<decltype(X)> &>(X);
  };
  // A record or function met more than once (in several TUs, or twice in one) has its lists
  // merged: the union, sorted. Met once, they stay as extracted (in declaration order).
  std::set<std::string> RecordsMerged, FunctionsMerged;
  prepareLists<Owned>(All, Groups);
  for (Group &G : Groups) {
    auto &TU = factsOf(G);
    for (auto &D : TU.decls)
      mergeById(P.states, Give(D));
    for (auto &R : TU.records) {
      auto It = P.records.find(R.id);
      if (It == P.records.end()) {
        if (G.tus > 1)
          RecordsMerged.insert(R.id);
        P.records.emplace(R.id, Give(R));
        continue;
      }
      RecordsMerged.insert(R.id);
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
    for (auto &F : TU.functions) {
      // A group's functions come sorted by id: most go after the last one so far.
      bool Last = P.functions.empty() || P.functions.rbegin()->first < F.id;
      auto It = Last ? P.functions.end() : P.functions.find(F.id);
      if (It == P.functions.end()) {
        if (G.tus > 1)
          FunctionsMerged.insert(F.id);
        P.functions.emplace_hint(It, F.id, Give(F));
        continue;
      }
      FunctionsMerged.insert(F.id);
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
    P.instantiated.insert(TU.instantiated.begin(), TU.instantiated.end());
    std::apply([&](auto... List) { (append(All.*List, Give(TU.*List)), ...); },
               ConcatenatedLists);
  }
  for (const std::string &Id : RecordsMerged)
    for (auto List : {&RecordFact::bases, &RecordFact::heldRecords, &RecordFact::fieldNames})
      sortUnique(P.records[Id].*List);
  for (const std::string &Id : FunctionsMerged)
    for (auto List : {&FunctionFact::overrides, &FunctionFact::overrideNames,
                      &FunctionFact::captureRecords, &FunctionFact::returnedCallables})
      sortUnique(P.functions[Id].*List);
}

/// The rest of the link, the same for shared and owned groups.
static Program finishLink(Program P, TUFacts All) {
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

Program linkGroups(std::vector<TUSummary> TUs, const std::vector<GroupUse> &Groups) {
  Program P;
  P.tus = std::move(TUs);
  TUFacts All; // the lists, concatenated then normalised once
  std::vector<GroupUse> Shared = Groups;
  mergeGroups<false>(P, All, Shared);
  return finishLink(std::move(P), std::move(All));
}

Program linkGroups(std::vector<TUSummary> TUs, std::vector<OwnedGroup> Groups) {
  Program P;
  P.tus = std::move(TUs);
  TUFacts All;
  mergeGroups<true>(P, All, Groups);
  Groups.clear(); // what was not moved (merged duplicates) goes now
  return finishLink(std::move(P), std::move(All));
}

} // namespace sa
