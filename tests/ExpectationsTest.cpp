// The fixture runner's own matching: it must fail on missing and on unexpected findings,
// otherwise every fixture test would pass vacuously.
#include "FixtureExpectations.h"

#include <gtest/gtest.h>

using namespace sa;
using namespace sa::testing;

namespace {

Finding finding(std::string File, unsigned Line, Level L, std::string Rule, std::string Msg) {
  Finding F;
  F.loc.file = std::move(File);
  F.loc.line = Line;
  F.loc.column = 1;
  F.level = L;
  F.rule = std::move(Rule);
  F.message = std::move(Msg);
  return F;
}

TEST(Expectations, ParsesLevelRuleTextAndOffsets) {
  std::vector<std::string> Errors;
  auto E = parseExpectations("a.cpp",
                             "int x; // expect: warning global-variable {{'x'}}\n"
                             "// expect@+1: error member-state\n"
                             "int y;\n"
                             "int z; // expect: note static-local expect: warning file-write\n"
                             "// the expected output is not an expectation\n",
                             Errors);
  ASSERT_TRUE(Errors.empty());
  ASSERT_EQ(E.size(), 4u);
  EXPECT_EQ(E[0].line, 1u);
  EXPECT_EQ(E[0].level, Level::Warning);
  EXPECT_EQ(E[0].rule, "global-variable");
  EXPECT_EQ(E[0].texts, std::vector<std::string>{"'x'"});
  EXPECT_EQ(E[1].line, 3u);
  EXPECT_EQ(E[1].commentLine, 2u);
  EXPECT_EQ(E[1].level, Level::Error);
  EXPECT_EQ(E[2].rule, "static-local");
  EXPECT_EQ(E[3].rule, "file-write");
  EXPECT_EQ(E[3].line, 4u);
}

TEST(Expectations, RejectsUnknownRulesAndLevels) {
  std::vector<std::string> Errors;
  parseExpectations("a.cpp", "// expect: warning no-such-rule\n// expect: fatal file-write\n",
                    Errors);
  EXPECT_EQ(Errors.size(), 2u);
}

TEST(Expectations, MissingFindingFails) {
  std::vector<std::string> Errors;
  auto E = parseExpectations("a.cpp", "int x; // expect: warning global-variable\n", Errors);
  MatchResult M = matchFindings(E, {});
  EXPECT_FALSE(M.ok());
  EXPECT_EQ(M.missing.size(), 1u);
}

TEST(Expectations, UnexpectedFindingFails) {
  MatchResult M = matchFindings({}, {finding("a.cpp", 3, Level::Warning, "global-variable", "m")});
  EXPECT_FALSE(M.ok());
  EXPECT_EQ(M.unexpected.size(), 1u);
}

TEST(Expectations, LevelRuleLineAndTextMustAllAgree) {
  std::vector<std::string> Errors;
  auto E = parseExpectations("a.cpp", "int x; // expect: error global-variable {{'x'}}\n", Errors);
  EXPECT_FALSE(matchFindings(E, {finding("a.cpp", 1, Level::Warning, "global-variable", "'x'")}).ok());
  EXPECT_FALSE(matchFindings(E, {finding("a.cpp", 1, Level::Error, "static-local", "'x'")}).ok());
  EXPECT_FALSE(matchFindings(E, {finding("a.cpp", 2, Level::Error, "global-variable", "'x'")}).ok());
  EXPECT_FALSE(matchFindings(E, {finding("b.cpp", 1, Level::Error, "global-variable", "'x'")}).ok());
  EXPECT_FALSE(matchFindings(E, {finding("a.cpp", 1, Level::Error, "global-variable", "'y'")}).ok());
  EXPECT_TRUE(matchFindings(E, {finding("a.cpp", 1, Level::Error, "global-variable", "'x'")}).ok());
}

TEST(Expectations, EveryTextMustMatch) {
  std::vector<std::string> Errors;
  auto E = parseExpectations("a.cpp", "int x; // expect: error global-variable {{'x'}} {{Redis}}\n",
                             Errors);
  ASSERT_EQ(E.size(), 1u);
  EXPECT_EQ(E[0].texts.size(), 2u);
  Finding F = finding("a.cpp", 1, Level::Error, "global-variable", "'x'");
  EXPECT_FALSE(matchFindings(E, {F}).ok());
  F.hint = "a Redis hash";
  EXPECT_TRUE(matchFindings(E, {F}).ok());
}

TEST(Expectations, EachFindingSatisfiesOneExpectation) {
  std::vector<std::string> Errors;
  auto E = parseExpectations(
      "a.cpp", "int x; // expect: warning file-write expect: warning file-write\n", Errors);
  MatchResult M = matchFindings(E, {finding("a.cpp", 1, Level::Warning, "file-write", "m")});
  EXPECT_EQ(M.missing.size(), 1u);
}

} // namespace

TEST(Expectations, AColumnMustMatchWhereTheFindingStarts) {
  std::vector<std::string> Errors;
  auto E = parseExpectations("a.cpp", "int x; // expect: error global-variable:5 {{'x'}}\n", Errors);
  ASSERT_TRUE(Errors.empty());
  ASSERT_EQ(E.size(), 1u);
  EXPECT_EQ(E[0].column, 5u);
  Finding At5 = finding("a.cpp", 1, Level::Error, "global-variable", "'x'");
  At5.loc.column = 5;
  Finding At1 = At5;
  At1.loc.column = 1;
  EXPECT_TRUE(matchFindings(E, {At5}).ok());
  EXPECT_FALSE(matchFindings(E, {At1}).ok());
  parseExpectations("a.cpp", "// expect: error global-variable: {{'x'}}\n", Errors);
  parseExpectations("a.cpp", "// expect: error global-variable:0\n", Errors);
  EXPECT_EQ(Errors.size(), 2u);
}
