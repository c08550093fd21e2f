// captured-state's judge on hand-built facts: locals of a long-lived scope captured by
// reference into handlers or background work and written there; mutable closure state.
#include "unit/FactsBuilder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace sa;
using namespace sa::test;
using testing::ElementsAre;
using testing::HasSubstr;

namespace {

const char *Rule = "captured-state";

/// A lambda written in `Parent`.
FunctionFact &lambdaIn(FactsBuilder &B, const std::string &Parent) {
  FunctionFact &L = B.function("lambda in " + Parent);
  L.isLambda = true;
  L.parent = fnId(Parent);
  return L;
}

TEST(CapturedStateJudge, ALocalOfMainWrittenByAHandlerIsAnError) {
  FactsBuilder B;
  B.mainFunction();
  B.captured("main", "counter");
  lambdaIn(B, "main");
  B.registers("main", "lambda in main", "add_tool", "count");
  B.write("main", "counter"); // the owner's own writes: initialisation
  B.write("lambda in main", "counter");
  LinkResult R = B.link();
  const Finding *F = findingOf(R, Rule, "counter");
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Error);
  EXPECT_THAT(F->message, HasSubstr("local 'counter', captured by reference into a handler, is "
                                    "written while serving requests (handler 'count' (add_tool) "
                                    "→ counter = …); every request this instance serves shares it"));
  EXPECT_EQ(evidenceStartingWith(*F, "written while serving: "), 1u);
  EXPECT_THAT(rulesReporting(R, "counter"), ElementsAre(Rule));
}

TEST(CapturedStateJudge, LocalsOfRequestCodeAreNotReported) {
  FactsBuilder B;
  B.toolHandler("handler", "t");
  B.captured("handler", "total");
  lambdaIn(B, "handler");
  B.handsOver("handler", "lambda in handler", "for_each", "std::for_each");
  B.write("lambda in handler", "total", AccessKind::CompoundAssign);
  LinkResult R = B.link();
  EXPECT_TRUE(findingsOf(R, Rule).empty());
  EXPECT_TRUE(R.findings.empty());
}

TEST(CapturedStateJudge, WrittenOnlyByTheirOwnerOrAtStartupTheyAreNotReported) {
  FactsBuilder B;
  B.mainFunction();
  B.captured("main", "port");
  B.captured("main", "verbose", TypeShape::Boolean);
  lambdaIn(B, "main");
  B.registers("main", "lambda in main", "add_tool", "t");
  B.startupFunction("parse_flags");
  B.write("main", "port");
  B.write("parse_flags", "verbose").kind = AccessKind::RefArg;
  B.read("lambda in main", "port");
  B.read("lambda in main", "verbose");
  LinkResult R = B.link();
  EXPECT_TRUE(R.findings.empty());
}

TEST(CapturedStateJudge, BackgroundWorkWritingACapturedLocalIsAWarning) {
  FactsBuilder B;
  B.mainFunction();
  B.captured("main", "last_flush");
  lambdaIn(B, "main");
  B.startsThread("main", "lambda in main");
  B.write("lambda in main", "last_flush");
  Finding F = reported(B, Rule, "last_flush");
  EXPECT_EQ(F.level, Level::Warning);
  EXPECT_THAT(F.message, HasSubstr("local 'last_flush', captured by reference into background "
                                    "work, is written by background work started at start-up"));
}

TEST(CapturedStateJudge, MutableClosureStateOfAHandlerIsAnError) {
  // [calls = 0]() mutable { return ++calls; }: the closure's copy, owned by the code that
  // created the lambda (main), written by the lambda.
  FactsBuilder B;
  B.mainFunction();
  B.captured("main", "(lambda in main)::calls").closureCopy = true;
  lambdaIn(B, "main");
  B.registers("main", "lambda in main", "add_tool", "t");
  B.write("lambda in main", "(lambda in main)::calls", AccessKind::IncDec).decides = true;
  Finding F = reported(B, Rule, "(lambda in main)::calls");
  EXPECT_EQ(F.level, Level::Error);
  EXPECT_THAT(F.message, HasSubstr("closure state '(lambda in main)::calls' of a handler lambda "
                                    "is written while serving requests"));
}

TEST(CapturedStateJudge, ReferenceParametersSayTheyReferToTheirCallersState) {
  FactsBuilder B;
  B.mainFunction();
  B.startupFunction("install");
  B.captured("install", "registry", TypeShape::KeyedContainer).reference = true;
  lambdaIn(B, "install");
  B.registers("install", "lambda in install", "add_tool", "t");
  B.write("lambda in install", "registry", AccessKind::MutatingCall, "emplace");
  Finding F = reported(B, Rule, "registry");
  EXPECT_EQ(F.level, Level::Error);
  EXPECT_THAT(F.message, HasSubstr("parameter 'registry' (a reference to its caller's state), "
                                    "captured by reference into a handler,"));
}

TEST(CapturedStateJudge, ACapturedSessionTableIsSessionState) {
  FactsBuilder B;
  B.mainFunction();
  B.captured("main", "sessions", TypeShape::KeyedContainer);
  lambdaIn(B, "main");
  B.registers("main", "lambda in main", "add_tool", "t");
  B.write("lambda in main", "sessions", AccessKind::MutatingCall, "emplace");
  LinkResult R = B.link();
  EXPECT_TRUE(findingsOf(R, Rule).empty());
  EXPECT_THAT(rulesReporting(R, "sessions"), ElementsAre("session-state"));
}

} // namespace
