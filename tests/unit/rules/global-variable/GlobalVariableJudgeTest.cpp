// global-variable's judge on hand-built facts: the ladder of where a namespace-scope variable
// is written, and what it leaves to other rules.
#include "unit/FactsBuilder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace sa;
using namespace sa::test;
using testing::ElementsAre;
using testing::HasSubstr;

namespace {

const char *Rule = "global-variable";

TEST(GlobalVariableJudge, WrittenWhileServingIsAnErrorWithTheChain) {
  FactsBuilder B;
  B.global("g_notes", TypeShape::Sequence);
  B.toolHandler("handler", "remember");
  B.function("save");
  B.call("handler", "save");
  B.write("save", "g_notes", AccessKind::MutatingCall, "push_back");
  LinkResult R = B.link();
  const Finding *F = findingOf(R, Rule, "g_notes");
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Error);
  EXPECT_THAT(F->message, HasSubstr("mutable global 'g_notes' is written while serving requests "
                                    "(handler 'remember' (add_tool) → save → g_notes.push_back())"));
  EXPECT_EQ(F->stateId, "c:@g_notes");
  // The write and the entry point it is reached from.
  ASSERT_EQ(F->evidence.size(), 2u);
  EXPECT_THAT(F->evidence[0].message, HasSubstr("written while serving: "));
  EXPECT_EQ(F->evidence[1].message, "request entry point: handler 'remember' (add_tool)");
  EXPECT_THAT(rulesReporting(R, "g_notes"), ElementsAre(Rule));
}

TEST(GlobalVariableJudge, EvidenceNamesEachWritingFunctionOnce) {
  FactsBuilder B;
  B.global("g_total");
  B.toolHandler("add", "add");
  B.toolHandler("reset", "reset");
  B.write("add", "g_total", AccessKind::CompoundAssign);
  B.write("add", "g_total", AccessKind::CompoundAssign);
  B.write("reset", "g_total");
  Finding F = reported(B, Rule, "g_total");
  EXPECT_EQ(F.level, Level::Error);
  EXPECT_EQ(evidenceStartingWith(F, "written while serving: "), 2u);
  EXPECT_EQ(evidenceStartingWith(F, "request entry point: "), 2u);
}

TEST(GlobalVariableJudge, LevelsFollowWhereTheWritesRun) {
  FactsBuilder B;
  B.global("written_by_handler");
  B.global("set_at_startup");
  B.global("never_written");
  B.global("written_nowhere_known");
  B.global("written_in_background");
  B.global("counted_in_background");
  B.toolHandler("handler", "remember");
  B.startupFunction("configure");
  B.function("orphan");
  B.backgroundWorker("janitor");
  B.write("handler", "written_by_handler");
  B.write("configure", "set_at_startup");
  B.write("orphan", "written_nowhere_known");
  B.write("janitor", "written_in_background", AccessKind::Assign);
  B.write("janitor", "counted_in_background", AccessKind::IncDec);
  LinkResult R = B.link();
  EXPECT_EQ(R.entryPoints, 1u);
  EXPECT_EQ(reported(R, Rule, "written_by_handler").level, Level::Error);
  EXPECT_THAT(reported(R, Rule, "written_by_handler").message,
              HasSubstr("(handler 'remember' (add_tool) → written_by_handler = …)"));

  const Finding *Startup = findingOf(R, Rule, "set_at_startup");
  EXPECT_EQ(Startup->level, Level::Note);
  EXPECT_THAT(Startup->message, HasSubstr("is set only at start-up (main → configure → set_at_startup = …)"));
  EXPECT_EQ(evidenceStartingWith(*Startup, "set at start-up: "), 1u);

  const Finding *Never = findingOf(R, Rule, "never_written");
  EXPECT_EQ(Never->level, Level::Note);
  EXPECT_THAT(Never->message, HasSubstr("never written after initialisation: it could be const"));
  EXPECT_THAT(Never->hint, HasSubstr("declare it const"));

  const Finding *Unplaced = findingOf(R, Rule, "written_nowhere_known");
  EXPECT_EQ(Unplaced->level, Level::Warning);
  EXPECT_THAT(Unplaced->message, HasSubstr("is written in orphan, which is reached neither from a "
                                           "recognised request handler nor from main()"));

  const Finding *Background = findingOf(R, Rule, "written_in_background");
  EXPECT_EQ(Background->level, Level::Warning);
  EXPECT_THAT(Background->message,
              HasSubstr("is written by background work started at start-up (janitor → "
                        "written_in_background = …)"));
  // Only counted by the background work, never read: a metric.
  const Finding *Counted = findingOf(R, Rule, "counted_in_background");
  EXPECT_EQ(Counted->level, Level::Note);
  EXPECT_THAT(Counted->message, HasSubstr("a per-instance metric"));
}

TEST(GlobalVariableJudge, ARequestWriteOutweighsEveryOtherWrite) {
  FactsBuilder B;
  B.global("g");
  B.startupFunction("configure");
  B.backgroundWorker("janitor");
  B.toolHandler("handler", "t");
  B.write("configure", "g");
  B.write("janitor", "g");
  B.write("handler", "g");
  Finding F = reported(B, Rule, "g");
  EXPECT_EQ(F.level, Level::Error);
  EXPECT_THAT(F.message, HasSubstr("handler 't' (add_tool) → g = …"));
}

TEST(GlobalVariableJudge, BackgroundOutweighsStartup) {
  FactsBuilder B;
  B.global("g");
  B.startupFunction("configure");
  B.backgroundWorker("janitor");
  B.write("configure", "g");
  B.write("janitor", "g");
  Finding F = reported(B, Rule, "g");
  EXPECT_EQ(F.level, Level::Warning);
  EXPECT_THAT(F.message, HasSubstr("background work"));
}

TEST(GlobalVariableJudge, AnEscapingAddressIsAWarningEvenWhenOnlyStartupWrites) {
  FactsBuilder B;
  B.global("g_log_level");
  B.startupFunction("configure");
  B.write("configure", "g_log_level");
  B.access("main", "g_log_level", AccessKind::Escape);
  Finding F = reported(B, Rule, "g_log_level");
  EXPECT_EQ(F.level, Level::Warning);
  EXPECT_THAT(F.message, HasSubstr("the address of mutable global 'g_log_level' is taken in main"));
  EXPECT_EQ(evidenceStartingWith(F, "address taken here, in main"), 1u);
}

TEST(GlobalVariableJudge, ConstPointersToMutableDataCouldBeConstAllTheWayDown) {
  FactsBuilder B;
  B.global("g_table", TypeShape::Pointer).isConst = true;
  Finding F = reported(B, Rule, "g_table");
  EXPECT_EQ(F.level, Level::Note);
  EXPECT_THAT(F.message, HasSubstr("gives access to mutable data: it could be made const all the way down"));
  EXPECT_EQ(F.hint, "make what it points to const");
}

TEST(GlobalVariableJudge, CountersNeverReadWhileServingAreMetrics) {
  FactsBuilder B;
  B.global("requests");
  B.global("next_id");
  B.global("hits_read_back");
  B.toolHandler("handler", "t");
  B.toolHandler("stats", "stats");
  B.write("handler", "requests", AccessKind::IncDec);
  B.write("handler", "next_id", AccessKind::IncDec).decides = true; // return ++next_id;
  B.write("handler", "hits_read_back", AccessKind::IncDec);
  B.read("stats", "hits_read_back"); // its value reaches a response
  LinkResult R = B.link();
  ASSERT_TRUE(findingOf(R, Rule, "requests"));
  ASSERT_TRUE(findingOf(R, Rule, "next_id"));
  ASSERT_TRUE(findingOf(R, Rule, "hits_read_back"));
  EXPECT_EQ(reported(R, Rule, "requests").level, Level::Note);
  EXPECT_THAT(reported(R, Rule, "requests").message,
              HasSubstr("counts while serving requests (handler 't' (add_tool) → ++requests) "
                        "and never decides a response: a per-instance metric"));
  EXPECT_THAT(reported(R, Rule, "requests").hint, HasSubstr("Prometheus"));
  // Handing out the next number: an id sequence, unique on this instance.
  EXPECT_EQ(reported(R, Rule, "next_id").level, Level::Note);
  EXPECT_THAT(reported(R, Rule, "next_id").message, HasSubstr("an id sequence"));
  EXPECT_EQ(reported(R, Rule, "hits_read_back").level, Level::Error);
}

TEST(GlobalVariableJudge, AssignmentsAreNotCounting) {
  FactsBuilder B;
  B.global("last_status");
  B.toolHandler("handler", "t");
  B.write("handler", "last_status"); // last_status = 200;
  Finding F = reported(B, Rule, "last_status");
  EXPECT_EQ(F.level, Level::Error);
}

TEST(GlobalVariableJudge, ACappedCounterIsANoteAndItsCapIsReportedOnItsOwn) {
  FactsBuilder B;
  B.global("active");
  B.toolHandler("handler", "t");
  B.write("handler", "active", AccessKind::IncDec);
  B.limitCheck("handler", "active", "kMaxActive");
  B.limitCheck("handler", "active", "kMaxActive"); // the same cap twice: one finding
  LinkResult R = B.link();
  const Finding *F = findingOf(R, Rule, "active");
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Note);
  EXPECT_THAT(F->message, HasSubstr("counts this instance's work while serving requests"));
  const Finding *Cap = findingOf(R, Rule, "active cap kMaxActive");
  ASSERT_TRUE(Cap);
  EXPECT_EQ(Cap->level, Level::Note);
  EXPECT_THAT(Cap->message, HasSubstr("'kMaxActive' caps 'active' per instance (in handler)"));
  EXPECT_EQ(findingsOf(R, Rule).size(), 2u);
}

TEST(GlobalVariableJudge, ACacheOfDerivedDataIsANote) {
  FactsBuilder B;
  B.global("g_render_cache", TypeShape::KeyedContainer);
  B.toolHandler("render", "render");
  B.lookup("render", "g_render_cache");
  B.write("render", "g_render_cache", AccessKind::MutatingCall, "emplace");
  Finding F = reported(B, Rule, "g_render_cache");
  EXPECT_EQ(F.level, Level::Note);
  EXPECT_THAT(F.message, HasSubstr("is a cache filled while serving requests (handler 'render' "
                                    "(add_tool) → g_render_cache.emplace())"));
  EXPECT_THAT(F.hint, HasSubstr("keeping one per instance is acceptable"));
}

TEST(GlobalVariableJudge, ACacheOfDataRequestsChangeIsAnError) {
  FactsBuilder B;
  B.global("g_price_cache", TypeShape::KeyedContainer);
  B.global("g_prices", TypeShape::KeyedContainer);
  B.toolHandler("quote", "quote");
  B.toolHandler("set_price", "set_price");
  B.function("load_price");
  B.call("quote", "load_price");
  B.lookup("quote", "g_price_cache");
  B.write("quote", "g_price_cache", AccessKind::MutatingCall, "emplace");
  B.lookup("load_price", "g_prices");
  B.write("set_price", "g_prices", AccessKind::MutatingCall, "insert_or_assign");
  Finding F = reported(B, Rule, "g_price_cache");
  EXPECT_EQ(F.level, Level::Error);
  EXPECT_THAT(F.hint, HasSubstr("a lookup-then-insert cache of data that requests change"));
}

TEST(GlobalVariableJudge, HintsNameTheOperationsSeen) {
  FactsBuilder B;
  B.global("index", TypeShape::KeyedContainer);
  B.toolHandler("handler", "t");
  B.write("handler", "index", AccessKind::MutatingCall, "emplace");
  B.write("handler", "index", AccessKind::MutatingCall, "erase");
  Finding F = reported(B, Rule, "index");
  EXPECT_THAT(F.hint, HasSubstr("written with emplace and erase"));
  EXPECT_THAT(F.hint, HasSubstr("Redis hash"));
}

TEST(GlobalVariableJudge, LocksAndClientsAreNotState) {
  FactsBuilder B;
  B.global("mu", TypeShape::Lock);
  B.global("redis", TypeShape::Client);
  B.toolHandler("handler", "t");
  B.write("handler", "mu", AccessKind::MutatingCall, "lock");
  B.write("handler", "redis", AccessKind::MutatingCall, "set");
  LinkResult R = B.link();
  EXPECT_TRUE(R.findings.empty());
}

TEST(GlobalVariableJudge, LeavesOtherKindsOfStateToTheirRules) {
  FactsBuilder B;
  B.threadLocal("t_scratch");
  B.staticLocal("handler", "calls");
  B.staticMember("Server", "instances");
  B.toolHandler("handler", "t");
  B.write("handler", "t_scratch");
  B.write("handler", "calls");
  B.write("handler", "Server::instances");
  LinkResult R = B.link();
  EXPECT_TRUE(findingsOf(R, Rule).empty());
  EXPECT_THAT(rulesReporting(R, "t_scratch"), ElementsAre("thread-local"));
  EXPECT_THAT(rulesReporting(R, "calls"), ElementsAre("static-local"));
  EXPECT_THAT(rulesReporting(R, "Server::instances"), ElementsAre("static-member"));
}

TEST(GlobalVariableJudge, PerSessionDataWrittenWhileServingIsLeftToSessionState) {
  FactsBuilder B;
  B.global("g_sessions", TypeShape::KeyedContainer);
  B.toolHandler("handler", "t");
  B.write("handler", "g_sessions", AccessKind::MutatingCall, "emplace");
  LinkResult R = B.link();
  EXPECT_THAT(rulesReporting(R, "g_sessions"), ElementsAre("session-state"));
}

TEST(GlobalVariableJudge, PerSessionDataSetOnlyAtStartupStaysAGlobalVariableNote) {
  FactsBuilder B;
  B.global("g_session_defaults", TypeShape::KeyedContainer);
  B.startupFunction("configure");
  B.write("configure", "g_session_defaults", AccessKind::MutatingCall, "emplace");
  LinkResult R = B.link();
  const Finding *F = findingOf(R, Rule, "g_session_defaults");
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Note);
  EXPECT_TRUE(findingsOf(R, "session-state").empty());
}

} // namespace
