#include "gate/Gate.h"

#include <gtest/gtest.h>

using namespace sa;

namespace {

Finding at(Level L, std::string Rule) {
  Finding F;
  F.level = L;
  F.rule = std::move(Rule);
  return F;
}

TEST(Gate, CountsFindingsAtOrAboveTheLevel) {
  std::vector<Finding> F{at(Level::Error, "member-state"), at(Level::Warning, "global-variable"),
                         at(Level::Note, "static-local")};
  EXPECT_EQ(evaluateGate(F, {}, Level::Error, false).failing, 1u);
  EXPECT_EQ(evaluateGate(F, {}, Level::Warning, false).failing, 2u);
  GateResult N = evaluateGate(F, {}, Level::Note, false);
  EXPECT_EQ(N.failing, 3u);
  EXPECT_EQ(N.failingByRule.at("static-local"), 1u);
  EXPECT_EQ(exitCodeFor(N), 1);
  GateResult Never = evaluateGate(F, {}, std::nullopt, false);
  EXPECT_FALSE(Never.failed);
  EXPECT_EQ(exitCodeFor(Never), 0);
}

TEST(Gate, SuppressedAndBaselineFindingsDoNotCount) {
  std::vector<Finding> F{at(Level::Error, "a"), at(Level::Error, "b"), at(Level::Error, "c")};
  F[0].suppressed = true;
  F[1].baseline = BaselineState::Unchanged;
  F[2].baseline = BaselineState::New;
  GateResult G = evaluateGate(F, {}, Level::Error, false);
  EXPECT_EQ(G.failing, 1u);
  EXPECT_EQ(G.suppressed, 1u);
  EXPECT_EQ(G.baselined, 1u);
}

TEST(Gate, IncompleteAnalysisIsExitThree) {
  std::vector<TUSummary> TUs{{"a.cpp", TUStatus::CompileErrors, "a.cpp:1:1: error: x", 1}};
  GateResult G = evaluateGate({}, TUs, Level::Error, false);
  EXPECT_TRUE(G.incomplete);
  EXPECT_EQ(exitCodeFor(G), 3);
  EXPECT_EQ(exitCodeFor(evaluateGate({}, TUs, Level::Error, true)), 0);
  std::vector<TUSummary> Crashed{{"b.cpp", TUStatus::Failed, "crashed", 0}};
  EXPECT_EQ(exitCodeFor(evaluateGate({}, Crashed, Level::Error, true)), 3);
}

} // namespace
