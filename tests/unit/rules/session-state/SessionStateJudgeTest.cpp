// session-state's judge on hand-built facts: state holding per-session data written while
// serving (or where writes cannot be placed) is session-state's, whatever its location; the
// location rule then stays silent about it.
#include "unit/FactsBuilder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace sa;
using namespace sa::test;
using testing::ElementsAre;
using testing::HasSubstr;

namespace {

const char *Rule = "session-state";

TEST(SessionStateJudge, AMapKeyedBySessionIdIsAnErrorWithTheChain) {
  FactsBuilder B;
  B.global("by_client", TypeShape::KeyedContainer);
  B.toolHandler("handler", "connect");
  Access &W = B.write("handler", "by_client", AccessKind::MutatingCall, "operator[]");
  W.sessionKeyed = true;
  LinkResult R = B.link();
  const Finding *F = findingOf(R, Rule, "by_client");
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Error);
  EXPECT_THAT(F->message, HasSubstr("'by_client' holds per-session data and is written while serving "
                                    "requests (handler 'connect' (add_tool) → by_client.operator[]())"));
  EXPECT_THAT(F->message, HasSubstr("sticky sessions"));
  EXPECT_EQ(evidenceStartingWith(*F, "keyed by a session id: by_client.operator[]()"), 1u);
  EXPECT_EQ(evidenceStartingWith(*F, "request entry point: handler 'connect' (add_tool)"), 1u);
  EXPECT_THAT(F->hint, HasSubstr("EXPIRE session:<id>"));
  // The location rule does not report it as well.
  EXPECT_THAT(rulesReporting(R, "by_client"), ElementsAre(Rule));
}

TEST(SessionStateJudge, NamedAfterSessionsOrHoldingSessionObjects) {
  FactsBuilder B;
  B.record("Session").fieldNames = {"user", "created"};
  B.global("g_sessions", TypeShape::KeyedContainer);
  B.global("g_live", TypeShape::KeyedContainer).elementRecord = recordId("Session");
  B.toolHandler("handler", "t");
  B.write("handler", "g_sessions", AccessKind::MutatingCall, "emplace");
  B.write("handler", "g_live", AccessKind::MutatingCall, "emplace");
  LinkResult R = B.link();
  EXPECT_THAT(rulesReporting(R, "g_sessions"), ElementsAre(Rule));
  EXPECT_THAT(rulesReporting(R, "g_live"), ElementsAre(Rule));
  const Finding *Live = findingOf(R, Rule, "g_live");
  ASSERT_TRUE(Live);
  EXPECT_EQ(Live->level, Level::Error);
  EXPECT_EQ(evidenceStartingWith(*Live, "holds Session objects (fields: user, created)"), 1u);
}

TEST(SessionStateJudge, TakesPerSessionStateFromEveryLocationRule) {
  FactsBuilder B;
  B.serverHandler("Server", "handle", "t");
  B.field("Server", "sessions_", TypeShape::KeyedContainer);
  B.staticLocal("Server::handle", "session_cache", TypeShape::KeyedContainer);
  B.staticMember("Server", "session_ids_", TypeShape::Set);
  B.captured("main", "session_log", TypeShape::Sequence);
  B.function("lambda in main").isLambda = true;
  B.registers("main", "lambda in main", "add_tool", "log");
  B.write("Server::handle", "Server::sessions_", AccessKind::MutatingCall, "emplace");
  B.write("Server::handle", "session_cache", AccessKind::MutatingCall, "emplace");
  B.write("Server::handle", "Server::session_ids_", AccessKind::MutatingCall, "insert");
  B.write("lambda in main", "session_log", AccessKind::MutatingCall, "push_back");
  LinkResult R = B.link();
  for (const char *S : {"Server::sessions_", "session_cache", "Server::session_ids_", "session_log"}) {
    EXPECT_THAT(rulesReporting(R, S), ElementsAre(Rule)) << S;
    const Finding *F = findingOf(R, Rule, S);
    ASSERT_TRUE(F) << S;
    EXPECT_EQ(F->level, Level::Error) << S;
  }
  for (const char *Other : {"member-state", "static-local", "static-member", "captured-state"})
    EXPECT_TRUE(findingsOf(R, Other).empty()) << Other;
}

TEST(SessionStateJudge, WritesOutsideRequestsThatCannotBeSetAsideAreWarnings) {
  FactsBuilder B;
  B.global("g_sessions", TypeShape::KeyedContainer);
  B.global("g_session_index", TypeShape::KeyedContainer);
  B.toolHandler("handler", "t");
  B.backgroundWorker("reaper");
  B.write("reaper", "g_sessions", AccessKind::MutatingCall, "erase");
  B.access("main", "g_session_index", AccessKind::Escape);
  LinkResult R = B.link();
  const Finding *Reaped = findingOf(R, Rule, "g_sessions");
  ASSERT_TRUE(Reaped);
  EXPECT_EQ(Reaped->level, Level::Warning);
  EXPECT_THAT(Reaped->message, HasSubstr("written by background work started at start-up (reaper → "
                                         "g_sessions.erase())"));
  const Finding *Escaped = findingOf(R, Rule, "g_session_index");
  ASSERT_TRUE(Escaped);
  EXPECT_EQ(Escaped->level, Level::Warning);
  EXPECT_THAT(Escaped->message, HasSubstr("the address of mutable global 'g_session_index' is taken"));
  EXPECT_TRUE(findingsOf(R, "global-variable").empty());
}

TEST(SessionStateJudge, SessionDataSetAtStartupOrNeverWrittenIsTheLocationRulesNote) {
  FactsBuilder B;
  B.global("g_session_defaults", TypeShape::KeyedContainer);
  B.global("g_session_limits", TypeShape::KeyedContainer);
  B.startupFunction("configure");
  B.toolHandler("handler", "t");
  B.write("configure", "g_session_defaults", AccessKind::MutatingCall, "emplace");
  LinkResult R = B.link();
  EXPECT_TRUE(findingsOf(R, Rule).empty());
  for (const char *S : {"g_session_defaults", "g_session_limits"}) {
    EXPECT_THAT(rulesReporting(R, S), ElementsAre("global-variable")) << S;
    ASSERT_TRUE(findingOf(R, "global-variable", S)) << S;
    EXPECT_EQ(reported(R, "global-variable", S).level, Level::Note) << S;
  }
}

TEST(SessionStateJudge, CapsOnSessionsAreSessionStateNotes) {
  FactsBuilder B;
  B.global("g_sessions", TypeShape::KeyedContainer);
  B.toolHandler("handler", "t");
  B.write("handler", "g_sessions", AccessKind::MutatingCall, "emplace");
  B.limitCheck("handler", "g_sessions", "kMaxSessions");
  LinkResult R = B.link();
  EXPECT_EQ(findingsOf(R, Rule).size(), 2u);
  const Finding *Cap = findingOf(R, Rule, "g_sessions cap kMaxSessions");
  ASSERT_TRUE(Cap);
  EXPECT_EQ(Cap->level, Level::Note);
  EXPECT_THAT(Cap->message, HasSubstr("'kMaxSessions' caps 'g_sessions' per instance (in handler)"));
  EXPECT_TRUE(findingsOf(R, "global-variable").empty());
}

} // namespace
