// static-member's judge on hand-built facts: static data members, by where they are written.
#include "unit/FactsBuilder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace sa;
using namespace sa::test;
using testing::ElementsAre;
using testing::HasSubstr;

namespace {

const char *Rule = "static-member";

TEST(StaticMemberJudge, WrittenWhileServingIsAnErrorWithTheChain) {
  FactsBuilder B;
  B.record("Router");
  B.staticMember("Router", "routes_", TypeShape::KeyedContainer);
  B.toolHandler("handler", "route");
  B.method("Router", "add");
  B.call("handler", "Router::add");
  B.write("Router::add", "Router::routes_", AccessKind::MutatingCall, "emplace");
  LinkResult R = B.link();
  const Finding *F = findingOf(R, Rule, "Router::routes_");
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Error);
  EXPECT_THAT(F->message, HasSubstr("static data member 'Router::routes_' is written while serving "
                                    "requests (handler 'route' (add_tool) → Router::add → "
                                    "routes_.emplace())"));
  EXPECT_EQ(F->evidence.size(), 2u);
  EXPECT_THAT(rulesReporting(R, "Router::routes_"), ElementsAre(Rule));
}

TEST(StaticMemberJudge, EachPhaseHasItsLevel) {
  FactsBuilder B;
  B.staticMember("Config", "verbose", TypeShape::Boolean);
  B.staticMember("Config", "ticks");
  B.staticMember("Config", "orphaned");
  B.staticMember("Config", "escapes");
  B.staticMember("Config", "kLimit");
  B.startupFunction("configure");
  B.backgroundWorker("janitor");
  B.function("orphan");
  B.toolHandler("handler", "t");
  B.write("configure", "Config::verbose");
  B.write("janitor", "Config::ticks", AccessKind::Assign);
  B.write("orphan", "Config::orphaned");
  B.access("handler", "Config::escapes", AccessKind::Escape);
  LinkResult R = B.link();
  EXPECT_EQ(reported(R, Rule, "Config::verbose").level, Level::Note);
  EXPECT_THAT(reported(R, Rule, "Config::verbose").message, HasSubstr("set only at start-up"));
  EXPECT_EQ(reported(R, Rule, "Config::ticks").level, Level::Warning);
  EXPECT_THAT(reported(R, Rule, "Config::ticks").message,
              HasSubstr("static data member 'Config::ticks' is written by background work"));
  EXPECT_EQ(reported(R, Rule, "Config::orphaned").level, Level::Warning);
  EXPECT_EQ(reported(R, Rule, "Config::escapes").level, Level::Warning);
  EXPECT_THAT(reported(R, Rule, "Config::escapes").message,
              HasSubstr("the address of static data member 'Config::escapes' is taken in handler"));
  EXPECT_EQ(reported(R, Rule, "Config::kLimit").level, Level::Note);
  EXPECT_THAT(reported(R, Rule, "Config::kLimit").message, HasSubstr("could be const"));
}

TEST(StaticMemberJudge, AReferenceArgumentToAWriterCountsAsAWrite) {
  FactsBuilder B;
  B.staticMember("Cache", "entries_", TypeShape::KeyedContainer);
  B.toolHandler("handler", "t");
  Access &A = B.write("handler", "Cache::entries_", AccessKind::RefArg);
  A.passing = ArgPassing::Reference;
  A.callee = "refresh";
  Finding F = reported(B, Rule, "Cache::entries_");
  EXPECT_EQ(F.level, Level::Error);
  EXPECT_THAT(F.message, HasSubstr("entries_ passed by non-const reference to refresh"));
}

TEST(StaticMemberJudge, ThreadLocalMembersAreThreadLocalsToReport) {
  FactsBuilder B;
  B.staticMember("Tracer", "depth_").threadLocal = true;
  B.toolHandler("handler", "t");
  B.write("handler", "Tracer::depth_", AccessKind::IncDec);
  LinkResult R = B.link();
  EXPECT_TRUE(findingsOf(R, Rule).empty());
  EXPECT_THAT(rulesReporting(R, "Tracer::depth_"), ElementsAre("thread-local"));
}

TEST(StaticMemberJudge, SessionTablesAreSessionStates) {
  FactsBuilder B;
  B.staticMember("Server", "clients_", TypeShape::KeyedContainer);
  B.toolHandler("handler", "t");
  B.write("handler", "Server::clients_", AccessKind::MutatingCall, "emplace").sessionKeyed = true;
  LinkResult R = B.link();
  EXPECT_TRUE(findingsOf(R, Rule).empty());
  EXPECT_THAT(rulesReporting(R, "Server::clients_"), ElementsAre("session-state"));
}

} // namespace
