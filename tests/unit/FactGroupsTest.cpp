// Facts grouped per file: splitting a TU and joining it back, one hash for a header's facts
// shared by TUs and one per variant, and a link over distinct groups that is exactly the
// merge of every TU's copy, whatever order the groups come in.
#include "unit/FactsBuilder.h"

#include "facts/FactGroups.h"
#include "facts/FactsJson.h"
#include "review/Review.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

using namespace sa;
using namespace sa::test;

namespace {

std::string json(const TUFacts &F) { return groupJson(F); }

/// A TU of `Main` that includes shared.h: a handler writing the header's global through a
/// header function, a record defined in the header with its fields in declaration order, and
/// an object of it made in the header function.
FactsBuilder tuIncludingShared(const std::string &Main, TypeShape SharedShape = TypeShape::Integer) {
  FactsBuilder B(Main);
  std::string Own = Main.substr(0, Main.find('.'));
  B.global("g_shared", SharedShape).loc = at("shared.h", 3);
  B.function("touch").loc = at("shared.h", 5);
  B.write("touch", "g_shared").loc = at("shared.h", 6);
  RecordFact &R = B.record("Session");
  R.loc = at("shared.h", 10);
  R.fieldNames = {"z_last_seen", "a_id", "m_name"};
  B.TU.creations.push_back({recordId("Session"), fnId("touch")});
  B.TU.instantiated.push_back(recordId("Session"));
  B.global("g_" + Own).loc = at(Main, 2);
  B.toolHandler("handle_" + Own, Own).loc = at(Main, 4);
  B.write("handle_" + Own, "g_" + Own).loc = at(Main, 5);
  B.TU.calls.push_back({fnId("handle_" + Own), fnId("touch"), CallKind::Direct, at(Main, 6)});
  B.TU.creations.push_back({recordId("Session"), ""}); // a namespace-scope initialiser
  normalize(B.TU);
  return B;
}

const FactGroup *groupOf(const std::vector<FactGroup> &Groups, const std::string &File) {
  for (const FactGroup &G : Groups)
    if (G.facts.file == File)
      return &G;
  return nullptr;
}

TEST(FactGroups, SplitByFileAndJoinedBackIsTheTU) {
  FactsBuilder A = tuIncludingShared("a.cpp");
  A.TU.status = TUStatus::CompileErrors;
  A.TU.firstError = "a.cpp:1:1: error: x";
  A.TU.errorCount = 1;
  A.TU.outsideRoot = {"/opt/lib/x.h"};
  std::vector<FactGroup> Groups = splitByFile(A.TU);
  ASSERT_EQ(Groups.size(), 2u);
  const FactGroup *Main = groupOf(Groups, "a.cpp"), *Shared = groupOf(Groups, "shared.h");
  ASSERT_TRUE(Main && Shared);
  EXPECT_EQ(Shared->facts.decls.size(), 1u);
  EXPECT_EQ(Shared->facts.functions.size(), 1u);
  EXPECT_EQ(Shared->facts.records.size(), 1u);
  // The creation in the header function goes with the header, the namespace-scope one with
  // the main file; the record made goes with both.
  ASSERT_EQ(Shared->facts.creations.size(), 1u);
  EXPECT_EQ(Shared->facts.creations[0].function, fnId("touch"));
  ASSERT_EQ(Main->facts.creations.size(), 1u);
  EXPECT_EQ(Main->facts.creations[0].function, "");
  EXPECT_EQ(Shared->facts.instantiated, std::vector<std::string>{recordId("Session")});
  EXPECT_EQ(Main->facts.instantiated, std::vector<std::string>{recordId("Session")});
  // A group's TU summary stays empty: the status belongs to the TU.
  EXPECT_EQ(Main->facts.status, TUStatus::Ok);
  EXPECT_TRUE(Main->facts.outsideRoot.empty());
  EXPECT_EQ(Main->hash, groupHash(Main->json));
  EXPECT_EQ(Main->json, json(Main->facts));

  TUFacts Joined =
      joinGroups(A.TU.summary(), A.TU.outsideRoot, {&Groups[1].facts, &Groups[0].facts});
  EXPECT_EQ(json(Joined), json(A.TU));
}

// Without a cache only the hash of a group's text is needed: it is the same hash, and the
// text is not kept. A TU whose facts are all in one file keeps them all, in order.
TEST(FactGroups, HashWithoutKeepingTheText) {
  FactsBuilder A = tuIncludingShared("a.cpp");
  std::vector<FactGroup> Kept = splitByFile(A.TU), Hashed = splitByFile(A.TU, false);
  ASSERT_EQ(Kept.size(), Hashed.size());
  for (size_t I = 0; I < Kept.size(); ++I) {
    EXPECT_EQ(Hashed[I].hash, Kept[I].hash);
    EXPECT_TRUE(Hashed[I].json.empty());
    EXPECT_EQ(json(Hashed[I].facts), Kept[I].json);
  }
  TUFacts One = A.TU;
  One.decls.erase(std::remove_if(One.decls.begin(), One.decls.end(),
                                 [](const StateDecl &D) { return D.loc.file != "a.cpp"; }),
                  One.decls.end());
  std::vector<FactGroup> Single = splitByFile(One, false);
  ASSERT_FALSE(Single.empty());
  const std::vector<StateDecl> &Moved = groupOf(Single, "a.cpp")->facts.decls;
  ASSERT_EQ(Moved.size(), One.decls.size());
  for (size_t I = 0; I < Moved.size(); ++I)
    EXPECT_EQ(Moved[I].id, One.decls[I].id);
}

TEST(FactGroups, AHeaderSeenAlikeIsOneGroupAndEachVariantItsOwn) {
  FactsBuilder A = tuIncludingShared("a.cpp"), B = tuIncludingShared("b.cpp");
  FactsBuilder Wide = tuIncludingShared("c.cpp", TypeShape::Floating); // other -D flags
  std::vector<FactGroup> GA = splitByFile(A.TU), GB = splitByFile(B.TU), GC = splitByFile(Wide.TU);
  EXPECT_EQ(groupOf(GA, "shared.h")->hash, groupOf(GB, "shared.h")->hash);
  EXPECT_NE(groupOf(GA, "shared.h")->hash, groupOf(GC, "shared.h")->hash);
  EXPECT_NE(groupOf(GA, "a.cpp")->hash, groupOf(GB, "b.cpp")->hash);

  GroupStore Store;
  for (auto *Groups : {&GA, &GB, &GC})
    for (FactGroup &G : *Groups)
      Store.add(G.hash, G.facts);
  EXPECT_EQ(Store.size(), 5u); // three main files, the header twice
  EXPECT_EQ(Store.find(groupOf(GA, "shared.h")->hash)->decls[0].type, "int");
  EXPECT_EQ(Store.find(groupOf(GC, "shared.h")->hash)->decls[0].type, "int");
  EXPECT_EQ(Store.find(groupOf(GC, "shared.h")->hash)->decls[0].shape, TypeShape::Floating);
  // The first copy is kept: a second add returns the stored one.
  std::shared_ptr<const TUFacts> Kept = Store.find(groupOf(GA, "shared.h")->hash);
  EXPECT_EQ(Store.add(groupOf(GB, "shared.h")->hash, TUFacts()).get(), Kept.get());
}

/// Links the TUs' distinct groups (with how many TUs have each) in the given order; `Owned`:
/// the store gives them away (what a scan does), one of them still held by a reader.
Program linkDistinct(const std::vector<TUFacts> &TUs, bool Reverse, bool Owned = false) {
  GroupStore Store;
  std::map<std::string, unsigned> Uses;
  std::vector<TUSummary> Summaries;
  for (const TUFacts &TU : TUs) {
    Summaries.push_back(TU.summary());
    for (FactGroup &G : splitByFile(TU)) {
      ++Uses[G.hash];
      Store.add(G.hash, std::move(G.facts));
    }
  }
  if (Owned) {
    std::shared_ptr<const TUFacts> Held = Store.find(Uses.begin()->first);
    std::vector<OwnedGroup> Groups = Store.take(Uses);
    EXPECT_EQ(Groups.size(), Uses.size());
    EXPECT_EQ(Store.size(), 0u);
    EXPECT_FALSE(Held->functions.empty() && Held->decls.empty()) << "a held group is copied";
    if (Reverse)
      std::reverse(Groups.begin(), Groups.end());
    return linkGroups(Summaries, std::move(Groups));
  }
  std::vector<GroupUse> Groups = Store.uses(Uses);
  EXPECT_EQ(Groups.size(), Uses.size());
  if (Reverse)
    std::reverse(Groups.begin(), Groups.end());
  return linkGroups(Summaries, Groups);
}

TEST(FactGroups, LinkOverDistinctGroupsIsTheMergeOfEveryTU) {
  FactsBuilder A = tuIncludingShared("a.cpp"), B = tuIncludingShared("b.cpp");
  FactsBuilder Wide = tuIncludingShared("c.cpp", TypeShape::KeyedContainer);
  // Facts that tie on location and differ in the rest: the merge must not take the first.
  auto Handler = std::find_if(B.TU.functions.begin(), B.TU.functions.end(),
                              [](const FunctionFact &F) { return F.id == fnId("handle_b"); });
  ASSERT_NE(Handler, B.TU.functions.end());
  FunctionFact Renamed = *Handler;
  Renamed.name = "b::handle_b";
  B.TU.functions.push_back(Renamed);
  normalize(B.TU);
  ASSERT_EQ(std::count_if(B.TU.functions.begin(), B.TU.functions.end(),
                          [](const FunctionFact &F) { return F.id == fnId("handle_b"); }),
            2);
  std::vector<TUFacts> TUs{A.TU, B.TU, Wide.TU};
  Program Merged = mergeFacts(TUs);
  std::string Expected = findingsJson(sa::link(Merged));
  ASSERT_FALSE(sa::link(Merged).findings.empty());
  for (auto [Reverse, Owned] : {std::pair{false, false}, {true, false}, {false, true}, {true, true}}) {
    SCOPED_TRACE(testing::Message() << "reverse: " << Reverse << ", owned: " << Owned);
    Program Distinct = linkDistinct(TUs, Reverse, Owned);
    EXPECT_EQ(findingsJson(sa::link(Distinct)), Expected);
    EXPECT_EQ(Distinct.functions.size(), Merged.functions.size());
    EXPECT_EQ(Distinct.states.size(), Merged.states.size());
    EXPECT_EQ(Distinct.records.size(), Merged.records.size());
    EXPECT_EQ(Distinct.instantiated, Merged.instantiated);
    // A record met in several TUs has its lists merged and sorted, exactly as when every
    // TU's copy is merged.
    EXPECT_EQ(Distinct.record(recordId("Session"))->fieldNames,
              Merged.record(recordId("Session"))->fieldNames);
    EXPECT_EQ(Distinct.function(fnId("handle_b"))->name, Merged.function(fnId("handle_b"))->name);
    EXPECT_EQ(Distinct.state(stateId("g_shared"))->shape,
              Merged.state(stateId("g_shared"))->shape);
    EXPECT_EQ(Distinct.accesses.size(), Merged.accesses.size());
    EXPECT_EQ(Distinct.calls.size(), Merged.calls.size());
    EXPECT_EQ(Distinct.creations.size(), Merged.creations.size());
    EXPECT_EQ(Distinct.tus.size(), 3u);
  }
  std::vector<std::string> Sorted{"a_id", "m_name", "z_last_seen"};
  EXPECT_EQ(Merged.record(recordId("Session"))->fieldNames, Sorted);
  // Met once, a record keeps its fields in declaration order.
  Program One = linkDistinct({A.TU}, false);
  std::vector<std::string> Declared{"z_last_seen", "a_id", "m_name"};
  EXPECT_EQ(One.record(recordId("Session"))->fieldNames, Declared);
  EXPECT_EQ(linkDistinct({A.TU}, false, true).record(recordId("Session"))->fieldNames, Declared);
  EXPECT_EQ(mergeFacts({A.TU}).record(recordId("Session"))->fieldNames, Declared);
  // The merge of TUs does not depend on their order either.
  EXPECT_EQ(findingsJson(sa::link(mergeFacts({Wide.TU, B.TU, A.TU}))), Expected);
}

TEST(FactGroups, LinkedProgramRoundTripsThroughItsJson) {
  FactsBuilder A = tuIncludingShared("a.cpp");
  A.TU.suppressions.push_back({SuppressionKind::Allow, {"global-variable"}, "why", at("a.cpp", 2)});
  A.pool("g_pool", "PgPool", 8);
  LinkedProgram L = linkProgram(A.program(), Config());
  ASSERT_FALSE(L.link.findings.empty());
  std::optional<LinkedProgram> Back = linkedFromJSON(linkedToJSON(L));
  ASSERT_TRUE(Back.has_value());
  EXPECT_EQ(findingsJson(Back->link), findingsJson(L.link));
  EXPECT_EQ(linkedToJSON(*Back), linkedToJSON(L));
  ASSERT_EQ(Back->suppressions.size(), 1u);
  EXPECT_EQ(Back->suppressions[0].reason, "why");
  ASSERT_EQ(Back->pools.size(), 1u);
  EXPECT_EQ(Back->pools[0].size, 8);
  EXPECT_FALSE(linkedFromJSON("{}").has_value());
  EXPECT_FALSE(linkedFromJSON("[1, 2").has_value());
  EXPECT_FALSE(linkedFromJSON(R"({"format":"state-audit-linked","findings":[{"rule":1}],
      "notes":[],"entryPoints":0,"suppressions":[],"pools":[]})").has_value());
}

} // namespace
