// thread-local's judge on hand-built facts: thread_local state of any scope. A value carried
// from one request to another through the thread is an error; scratch space is a note.
#include "unit/FactsBuilder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace sa;
using namespace sa::test;
using testing::ElementsAre;
using testing::HasSubstr;

namespace {

const char *Rule = "thread-local";

TEST(ThreadLocalJudge, AValueCarriedToAnotherRequestIsAnError) {
  FactsBuilder B;
  B.threadLocal("t_user", TypeShape::String);
  B.toolHandler("login", "login");
  B.toolHandler("whoami", "whoami");
  B.write("login", "t_user");
  B.read("whoami", "t_user");
  LinkResult R = B.link();
  const Finding *F = findingOf(R, Rule, "t_user");
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Error);
  EXPECT_THAT(F->message, HasSubstr("thread_local 't_user' is written while serving one request "
                                    "(handler 'login' (add_tool) → t_user = …) and read by another"));
  EXPECT_EQ(evidenceStartingWith(*F, "request entry point: handler 'login' (add_tool)"), 1u);
  EXPECT_THAT(rulesReporting(R, "t_user"), ElementsAre(Rule));
}

TEST(ThreadLocalJudge, ScratchSpaceUsedWithinTheWritingRequestIsANote) {
  FactsBuilder B;
  B.threadLocal("t_buffer", TypeShape::String);
  B.toolHandler("render", "render");
  B.function("format");
  B.call("render", "format");
  B.write("render", "t_buffer", AccessKind::MutatingCall, "clear");
  B.read("render", "t_buffer");
  B.read("format", "t_buffer"); // called by the writer: the same request
  Finding F = reported(B, Rule, "t_buffer");
  EXPECT_EQ(F.level, Level::Note);
  EXPECT_THAT(F.message, HasSubstr("thread_local 't_buffer' is written while serving requests "
                                    "(handler 'render' (add_tool) → t_buffer.clear()): per-thread "
                                    "scratch space"));
  EXPECT_THAT(F.hint, HasSubstr("thread_local storage"));
}

TEST(ThreadLocalJudge, OutsideRequestsTheLadderApplies) {
  FactsBuilder B;
  B.threadLocal("t_seed");
  B.threadLocal("t_ticks");
  B.threadLocal("t_unused");
  B.startupFunction("configure");
  B.backgroundWorker("janitor");
  B.toolHandler("handler", "t");
  B.write("configure", "t_seed");
  B.write("janitor", "t_ticks", AccessKind::Assign);
  LinkResult R = B.link();
  EXPECT_EQ(reported(R, Rule, "t_seed").level, Level::Note);
  EXPECT_THAT(reported(R, Rule, "t_seed").message, HasSubstr("thread_local 't_seed' is set only at start-up"));
  EXPECT_EQ(reported(R, Rule, "t_ticks").level, Level::Warning);
  EXPECT_THAT(reported(R, Rule, "t_ticks").message, HasSubstr("written by background work"));
  EXPECT_EQ(reported(R, Rule, "t_unused").level, Level::Note);
  EXPECT_THAT(reported(R, Rule, "t_unused").message, HasSubstr("could be const"));
}

TEST(ThreadLocalJudge, ThreadLocalsOfEveryScopeAreThisRules) {
  FactsBuilder B;
  B.staticLocal("handler", "depth").threadLocal = true;
  B.staticMember("Tracer", "span_").threadLocal = true;
  B.toolHandler("handler", "t");
  B.write("handler", "depth", AccessKind::IncDec);
  B.write("handler", "Tracer::span_");
  LinkResult R = B.link();
  EXPECT_THAT(rulesReporting(R, "depth"), ElementsAre(Rule));
  EXPECT_THAT(rulesReporting(R, "Tracer::span_"), ElementsAre(Rule));
  ASSERT_TRUE(findingOf(R, Rule, "depth"));
  EXPECT_THAT(reported(R, Rule, "depth").message, HasSubstr("thread_local 'depth'"));
}

TEST(ThreadLocalJudge, TheCurrentSessionOfAThreadIsNotSessionState) {
  // Named after the session, but not keyed by a session id: the current request's context.
  FactsBuilder B;
  B.threadLocal("t_current_session", TypeShape::Pointer);
  B.toolHandler("handler", "t");
  B.write("handler", "t_current_session");
  B.read("handler", "t_current_session");
  LinkResult R = B.link();
  EXPECT_THAT(rulesReporting(R, "t_current_session"), ElementsAre(Rule));
  ASSERT_TRUE(findingOf(R, Rule, "t_current_session"));
  EXPECT_EQ(reported(R, Rule, "t_current_session").level, Level::Note);
}

TEST(ThreadLocalJudge, AThreadLocalKeyedBySessionIdIsSessionState) {
  FactsBuilder B;
  B.threadLocal("t_by_session", TypeShape::KeyedContainer);
  B.toolHandler("handler", "t");
  B.write("handler", "t_by_session", AccessKind::MutatingCall, "emplace").sessionKeyed = true;
  LinkResult R = B.link();
  EXPECT_THAT(rulesReporting(R, "t_by_session"), ElementsAre("session-state"));
}

} // namespace
