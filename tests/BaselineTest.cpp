#include "gate/Baseline.h"

#include "rules/RuleSet.h"

#include "TestSupport.h"

#include <gtest/gtest.h>

using namespace sa;
using namespace sa::testing;

namespace {

Finding finding(std::string Rule, std::string File, unsigned Line, std::string Symbol) {
  Finding F;
  F.rule = std::move(Rule);
  F.loc = {std::move(File), Line, 1, Line, 2};
  F.symbol = std::move(Symbol);
  F.message = "m";
  return F;
}

std::vector<BaselineResult> asBaseline(std::vector<Finding> F) {
  assignFingerprints(F);
  std::vector<BaselineResult> B;
  for (const Finding &X : F)
    B.push_back({X.rule, X.symbol, X.message, X.fingerprint, X.level, X.loc});
  return B;
}

TEST(Baseline, UnchangedNewAbsentAndMovedLines) {
  auto Old = asBaseline({finding("global-variable", "a.cpp", 3, "g_a"),
                         finding("global-variable", "a.cpp", 9, "g_gone")});
  std::vector<Finding> Now{finding("global-variable", "a.cpp", 30, "g_a"), // moved
                           finding("static-local", "b.cpp", 2, "f::n")};   // new
  assignFingerprints(Now);
  std::vector<Finding> Absent = applyBaseline(Now, Old);
  EXPECT_EQ(Now[0].baseline, BaselineState::Unchanged);
  EXPECT_EQ(Now[1].baseline, BaselineState::New);
  ASSERT_EQ(Absent.size(), 1u);
  EXPECT_EQ(Absent[0].symbol, "g_gone");
  EXPECT_EQ(Absent[0].baseline, BaselineState::Absent);
}

TEST(Baseline, RenamedPathsMatchThroughAPathMap) {
  auto Old = asBaseline({finding("global-variable", "src/old/state.cpp", 3, "g_a")});
  std::vector<Finding> Now{finding("global-variable", "src/new/state.cpp", 3, "g_a")};
  assignFingerprints(Now);
  std::vector<Finding> Copy = Now;
  EXPECT_EQ(applyBaseline(Copy, Old).size(), 1u); // without the map: absent + new
  EXPECT_EQ(Copy[0].baseline, BaselineState::New);
  auto Map = parsePathMapping("src/old=src/new/");
  ASSERT_TRUE(bool(Map));
  EXPECT_TRUE(applyBaseline(Now, Old, {*Map}).empty());
  EXPECT_EQ(Now[0].baseline, BaselineState::Unchanged);
  EXPECT_FALSE(bool(parsePathMapping("no-equals-sign")));
}

TEST(Baseline, ReadsStateAuditSarifAndRejectsOtherFiles) {
  TempDir T;
  std::string Good = T.write("base.sarif", R"({"version":"2.1.0","runs":[
    {"tool":{"driver":{"name":"other-tool"}},"results":[{"ruleId":"x"}]},
    {"tool":{"driver":{"name":"state-audit"}},"results":[
      {"ruleId":"global-variable","level":"error","message":{"text":"m"},
       "locations":[{"physicalLocation":{"artifactLocation":{"uri":"src/my%20file.cpp"},
                     "region":{"startLine":4,"startColumn":5}}}],
       "fingerprints":{"stateAudit/v1":"abc"},"properties":{"symbol":"g"}},
      {"ruleId":"global-variable","baselineState":"absent","fingerprints":{"stateAudit/v1":"old"}}
    ]}]})");
  auto B = loadBaseline(Good);
  ASSERT_TRUE(bool(B)) << llvm::toString(B.takeError());
  ASSERT_EQ(B->size(), 1u);
  EXPECT_EQ((*B)[0].loc.file, "src/my file.cpp");
  EXPECT_EQ((*B)[0].loc.line, 4u);
  EXPECT_EQ((*B)[0].symbol, "g");
  EXPECT_EQ((*B)[0].level, Level::Error);

  auto Missing = loadBaseline(T.file("nope.sarif"));
  ASSERT_FALSE(bool(Missing));
  EXPECT_NE(llvm::toString(Missing.takeError()).find("nope.sarif: cannot read"), std::string::npos);
  auto NotJson = loadBaseline(T.write("bad.sarif", "{"));
  ASSERT_FALSE(bool(NotJson));
  EXPECT_NE(llvm::toString(NotJson.takeError()).find("bad.sarif:1:2: not valid JSON"), std::string::npos);
  auto NoFingerprint = loadBaseline(T.write("nofp.sarif", R"({"runs":[{"tool":{"driver":{"name":"state-audit"}},"results":[{"ruleId":"x"}]}]})"));
  ASSERT_FALSE(bool(NoFingerprint));
}

} // namespace
