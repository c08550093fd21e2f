// static-local's judge on hand-built facts: function-local statics, by where they are written.
#include "unit/FactsBuilder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace sa;
using namespace sa::test;
using testing::ElementsAre;
using testing::HasSubstr;

namespace {

const char *Rule = "static-local";

TEST(StaticLocalJudge, WrittenByItsOwnHandlerIsAnErrorWithTheChain) {
  FactsBuilder B;
  B.staticLocal("lookup_user", "seen", TypeShape::Set);
  B.toolHandler("handler", "whois");
  B.function("lookup_user");
  B.call("handler", "lookup_user");
  B.write("lookup_user", "seen", AccessKind::MutatingCall, "insert");
  LinkResult R = B.link();
  const Finding *F = findingOf(R, Rule, "seen");
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Error);
  EXPECT_THAT(F->message, HasSubstr("function-local static 'seen' is written while serving requests "
                                    "(handler 'whois' (add_tool) → lookup_user → seen.insert())"));
  EXPECT_EQ(evidenceStartingWith(*F, "written while serving: "), 1u);
  EXPECT_EQ(evidenceStartingWith(*F, "request entry point: handler 'whois' (add_tool)"), 1u);
  EXPECT_THAT(F->hint, HasSubstr("Redis set"));
  EXPECT_THAT(rulesReporting(R, "seen"), ElementsAre(Rule));
}

TEST(StaticLocalJudge, EachPhaseHasItsLevel) {
  FactsBuilder B;
  B.staticLocal("configure", "config");
  B.staticLocal("janitor", "sweeps");
  B.staticLocal("orphan", "orphaned");
  B.staticLocal("table", "kTable");
  B.startupFunction("configure");
  B.backgroundWorker("janitor");
  B.function("orphan");
  B.function("table");
  B.toolHandler("handler", "t");
  B.write("configure", "config");
  B.write("janitor", "sweeps");
  B.write("orphan", "orphaned");
  LinkResult R = B.link();
  EXPECT_EQ(reported(R, Rule, "config").level, Level::Note);
  EXPECT_THAT(reported(R, Rule, "config").message,
              HasSubstr("function-local static 'config' is set only at start-up (main → configure"));
  EXPECT_EQ(reported(R, Rule, "sweeps").level, Level::Warning);
  EXPECT_THAT(reported(R, Rule, "sweeps").message, HasSubstr("background work started at start-up (janitor"));
  EXPECT_EQ(reported(R, Rule, "orphaned").level, Level::Warning);
  EXPECT_THAT(reported(R, Rule, "orphaned").message, HasSubstr("is written in orphan, which is reached neither"));
  EXPECT_EQ(reported(R, Rule, "kTable").level, Level::Note);
  EXPECT_THAT(reported(R, Rule, "kTable").message, HasSubstr("could be const"));
}

TEST(StaticLocalJudge, ACountThatDecidesTheResponseIsAnErrorAnIdSequenceANote) {
  FactsBuilder B;
  B.staticLocal("handler", "total", TypeShape::Atomic);
  B.staticLocal("handler", "next", TypeShape::Atomic);
  B.staticLocal("handler", "served", TypeShape::Atomic);
  B.toolHandler("handler", "t");
  B.write("handler", "total", AccessKind::MutatingCall, "fetch_add").decides = true;
  B.write("handler", "next", AccessKind::MutatingCall, "fetch_add").decides = true;
  B.write("handler", "served", AccessKind::MutatingCall, "fetch_add");
  LinkResult R = B.link();
  ASSERT_TRUE(findingOf(R, Rule, "total"));
  ASSERT_TRUE(findingOf(R, Rule, "next"));
  ASSERT_TRUE(findingOf(R, Rule, "served"));
  EXPECT_EQ(reported(R, Rule, "total").level, Level::Error);
  EXPECT_EQ(reported(R, Rule, "next").level, Level::Note);
  EXPECT_THAT(reported(R, Rule, "next").message, HasSubstr("an id sequence"));
  EXPECT_EQ(reported(R, Rule, "served").level, Level::Note);
  EXPECT_THAT(reported(R, Rule, "served").message, HasSubstr("a per-instance metric"));
}

TEST(StaticLocalJudge, AThreadLocalStaticIsThreadLocalsToReport) {
  FactsBuilder B;
  B.staticLocal("handler", "buffer", TypeShape::String).threadLocal = true;
  B.toolHandler("handler", "t");
  B.write("handler", "buffer");
  LinkResult R = B.link();
  EXPECT_TRUE(findingsOf(R, Rule).empty());
  EXPECT_THAT(rulesReporting(R, "buffer"), ElementsAre("thread-local"));
}

TEST(StaticLocalJudge, ASingletonInstanceIsReportedThroughItsAccessor) {
  FactsBuilder B;
  B.record("Registry");
  B.field("Registry", "items_", TypeShape::Sequence);
  B.objectOf(StateKind::StaticLocal, "instance", "Registry", "f:Registry::get");
  B.method("Registry", "get").returnsStatic = stateId("instance");
  B.toolHandler("handler", "t");
  B.method("Registry", "add");
  B.call("handler", "Registry::add");
  B.write("Registry::add", "Registry::items_", AccessKind::MutatingCall, "push_back");
  LinkResult R = B.link();
  EXPECT_TRUE(findingsOf(R, Rule).empty());
  EXPECT_THAT(rulesReporting(R, "Registry::get"), ElementsAre("singleton"));
}

TEST(StaticLocalJudge, ObjectsChangedOnlyThroughTheirMethodsAreJudgedByTheirFields) {
  FactsBuilder B;
  B.record("Stats");
  B.objectOf(StateKind::StaticLocal, "stats", "Stats", "f:handler");
  B.toolHandler("handler", "t");
  B.method("Stats", "record");
  B.access("handler", "stats", AccessKind::Bind, "record");
  LinkResult R = B.link();
  EXPECT_TRUE(findingsOf(R, Rule).empty());
}

} // namespace
