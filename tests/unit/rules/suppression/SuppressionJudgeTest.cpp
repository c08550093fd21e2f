// suppression's judgement (gate/Suppressions.cpp's applySuppressions): which findings a
// comment silences, and the problems with the suppressions themselves (findings of the
// `suppression` rule). The comments' syntax is rules/suppression/SuppressionComments.
#include "gate/Suppressions.h"
#include "rules/suppression/SuppressionComments.h"
#include "unit/FactsBuilder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace sa;
using namespace sa::test;
using testing::HasSubstr;

namespace {

TEST(SuppressionJudge, ParsesEveryForm) {
  auto A = parseSuppressionComment("// state-audit: allow(global-variable, state-audit-static-local) set once");
  ASSERT_TRUE(A);
  EXPECT_EQ(A->kind, SuppressionKind::Allow);
  EXPECT_EQ(A->rules, (std::vector<std::string>{"global-variable", "static-local"}));
  EXPECT_EQ(A->reason, "set once");

  auto N = parseSuppressionComment("// NOLINT(state-audit-member-state, cert-err58-cpp): cache");
  ASSERT_TRUE(N);
  EXPECT_EQ(N->kind, SuppressionKind::NoLint);
  EXPECT_EQ(N->rules, (std::vector<std::string>{"member-state"}));
  EXPECT_EQ(N->reason, "cache");

  auto Next = parseSuppressionComment("/* NOLINTNEXTLINE(state-audit-*) - why */");
  ASSERT_TRUE(Next);
  EXPECT_EQ(Next->kind, SuppressionKind::NoLintNextLine);
  EXPECT_EQ(Next->rules, (std::vector<std::string>{"*"}));
  EXPECT_EQ(Next->reason, "why");

  auto Bare = parseSuppressionComment("// NOLINT");
  ASSERT_TRUE(Bare);
  EXPECT_EQ(Bare->rules, (std::vector<std::string>{"*"}));
  EXPECT_EQ(parseSuppressionComment("// NOLINTBEGIN(state-audit-file-write) x")->kind,
            SuppressionKind::NoLintBegin);
  EXPECT_EQ(parseSuppressionComment("// NOLINTEND(state-audit-file-write)")->kind,
            SuppressionKind::NoLintEnd);

  EXPECT_FALSE(parseSuppressionComment("// NOLINT(cert-err58-cpp)")); // not ours
  EXPECT_FALSE(parseSuppressionComment("// a comment about state"));
  EXPECT_FALSE(parseSuppressionComment("// state-audit: this is prose"));
  EXPECT_EQ(parseSuppressionComment("// NOLINT(state-audit-x) why // TODO")->reason, "why");
}

Finding finding(std::string Rule, unsigned Line) {
  Finding F;
  F.rule = std::move(Rule);
  F.loc = sa::test::at("a.cpp", Line);
  return F;
}

SuppressionComment at(SuppressionComment S, unsigned Line) {
  S.loc = sa::test::at("a.cpp", Line);
  return S;
}

TEST(SuppressionJudge, WhatEachFormCovers) {
  std::vector<Finding> F{finding("global-variable", 10), finding("global-variable", 11),
                         finding("global-variable", 21), finding("static-local", 30),
                         finding("global-variable", 40)};
  std::vector<SuppressionComment> S{
      at(*parseSuppressionComment("// state-audit: allow(global-variable) r"), 10), // its line and the next
      at(*parseSuppressionComment("// NOLINTBEGIN(state-audit-global-variable) r"), 20),
      at(*parseSuppressionComment("// NOLINTEND(state-audit-global-variable)"), 22),
      at(*parseSuppressionComment("// NOLINTNEXTLINE(state-audit-static-local) r"), 29),
  };
  std::vector<Finding> Problems = applySuppressions(F, S);
  EXPECT_TRUE(F[0].suppressed);
  EXPECT_TRUE(F[1].suppressed);
  EXPECT_TRUE(F[2].suppressed);
  EXPECT_TRUE(F[3].suppressed);
  EXPECT_FALSE(F[4].suppressed);
  EXPECT_EQ(F[0].suppressionReason, "r");
  EXPECT_TRUE(Problems.empty()) << Problems.front().message;
}

TEST(SuppressionJudge, ProblemsAreReported) {
  std::vector<Finding> F{finding("global-variable", 5)};
  std::vector<SuppressionComment> S{
      at(*parseSuppressionComment("// NOLINT(state-audit-global-variable)"), 5),  // no reason
      at(*parseSuppressionComment("// state-audit: allow(file-write) gone"), 50), // unused
      at(*parseSuppressionComment("// NOLINTEND(state-audit-file-write)"), 60),   // unmatched
      at(*parseSuppressionComment("// NOLINT"), 70),                              // bare: not ours to judge
  };
  std::vector<Finding> Problems = applySuppressions(F, S);
  ASSERT_EQ(Problems.size(), 3u);
  EXPECT_TRUE(F[0].suppressed);
  for (const Finding &P : Problems)
    EXPECT_EQ(P.rule, "suppression");
  EXPECT_NE(Problems[0].message.find("gives no reason"), std::string::npos);
  EXPECT_NE(Problems[1].message.find("matches no finding"), std::string::npos);
  EXPECT_NE(Problems[2].message.find("no matching NOLINTBEGIN"), std::string::npos);
  // A misspelled rule is reported as such; problems can themselves be suppressed.
  std::vector<Finding> G{finding("global-variable", 80)};
  std::vector<SuppressionComment> Typo{
      at(*parseSuppressionComment("// NOLINT(state-audit-global-variables) typo"), 80)};
  std::vector<Finding> TypoProblems = applySuppressions(G, Typo);
  ASSERT_EQ(TypoProblems.size(), 1u);
  EXPECT_NE(TypoProblems[0].message.find("'global-variables', which is not a state-audit rule"),
            std::string::npos);
  EXPECT_FALSE(G[0].suppressed);
  std::vector<Finding> H{finding("global-variable", 90)};
  std::vector<SuppressionComment> Meta{
      at(*parseSuppressionComment("// NOLINTNEXTLINE(state-audit-suppression) kept for the migration"), 89),
      at(*parseSuppressionComment("// NOLINT(state-audit-global-variable)"), 90)};
  std::vector<Finding> MetaProblems = applySuppressions(H, Meta);
  ASSERT_EQ(MetaProblems.size(), 1u); // the missing reason, silenced and so not counted
  EXPECT_TRUE(MetaProblems[0].suppressed);
  EXPECT_TRUE(H[0].suppressed);
  // A suppression of a rule switched off in the configuration is not "unused".
  std::vector<Finding> None;
  EXPECT_TRUE(applySuppressions(None, {S[1]}, {"file-write"}).empty());
}

TEST(SuppressionJudge, ProblemsAreWarningsOfTheSuppressionRule) {
  std::vector<Finding> None;
  std::vector<SuppressionComment> S{
      at(*parseSuppressionComment("// NOLINTBEGIN(state-audit-member-state) generated code"), 5)};
  std::vector<Finding> Problems = applySuppressions(None, S);
  ASSERT_EQ(Problems.size(), 1u);
  EXPECT_EQ(Problems[0].rule, "suppression");
  EXPECT_EQ(Problems[0].level, Level::Warning);
  EXPECT_EQ(Problems[0].loc.line, 5u);
  EXPECT_THAT(Problems[0].message, HasSubstr("NOLINTBEGIN(member-state) is never closed by a NOLINTEND"));
}

TEST(SuppressionJudge, SuppressesOnlyTheRulesItNames) {
  std::vector<Finding> F{finding("global-variable", 10), finding("session-state", 10)};
  std::vector<SuppressionComment> S{
      at(*parseSuppressionComment("// NOLINT(state-audit-global-variable) configuration"), 10)};
  EXPECT_TRUE(applySuppressions(F, S).empty());
  EXPECT_TRUE(F[0].suppressed);
  EXPECT_FALSE(F[1].suppressed);
}

TEST(SuppressionJudge, SilencesWhatTheJudgesFoundOnItsLine) {
  // From hand-built facts through link() to the gate's suppressions.
  FactsBuilder B;
  B.global("g_config");
  B.global("g_hits");
  B.toolHandler("handler", "t");
  B.write("handler", "g_hits");
  LinkResult R = B.link();
  const Finding *Hits = findingOf(R, "global-variable", "g_hits");
  ASSERT_TRUE(Hits);
  SuppressionComment S =
      *parseSuppressionComment("// NOLINT(state-audit-global-variable) counted per instance");
  S.loc = sa::test::at(Hits->loc.file, Hits->loc.line);
  std::vector<Finding> Findings = R.findings;
  EXPECT_TRUE(applySuppressions(Findings, {S}).empty());
  size_t Suppressed = 0;
  for (const Finding &F : Findings) {
    Suppressed += F.suppressed;
    EXPECT_EQ(F.suppressed, F.symbol == "g_hits") << F.symbol;
  }
  EXPECT_EQ(Suppressed, 1u);
}

} // namespace
