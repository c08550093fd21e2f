// connection-pool's judge on hand-built facts: each pool with its per-instance size, and the
// cluster budget (max_instances × pool size against the downstream limit) when configured.
#include "unit/FactsBuilder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace sa;
using namespace sa::test;
using testing::HasSubstr;

namespace {

const char *Rule = "connection-pool";

LinkOptions budget(std::optional<std::int64_t> MaxInstances,
                   std::optional<std::int64_t> DownstreamLimit) {
  LinkOptions O;
  O.pools.maxInstances = MaxInstances;
  O.pools.downstreamLimit = DownstreamLimit;
  return O;
}

/// The one connection-pool finding of a link.
const Finding *poolFinding(LinkResult &&) = delete;
const Finding *poolFinding(const LinkResult &R) {
  std::vector<const Finding *> All = findingsOf(R, Rule);
  return All.size() == 1 ? All.front() : nullptr;
}

TEST(ConnectionPoolJudge, WithoutABudgetItIsAWarning) {
  FactsBuilder B;
  B.startupFunction("connect");
  B.pool("db", "PgPool", 20, "connect");
  LinkResult R = B.link();
  const Finding *F = poolFinding(R);
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Warning);
  EXPECT_EQ(F->symbol, "db in connect");
  EXPECT_THAT(F->message, HasSubstr("'db', a PgPool, opens up to 20 connections in every instance "
                                    "(in connect): with N instances the downstream service sees "
                                    "N × 20 connections"));
  EXPECT_THAT(F->message, HasSubstr("cannot be checked without max-instances and downstream-limit"));
  EXPECT_EQ(R.findings.size(), 1u);
}

TEST(ConnectionPoolJudge, AHalfConfiguredBudgetIsStillAWarning) {
  FactsBuilder B;
  B.pool("db", "PgPool", 20);
  LinkResult R = B.link(budget(10, std::nullopt));
  const Finding *OnlyInstances = poolFinding(R);
  LinkResult R2 = B.link(budget(std::nullopt, 500));
  const Finding *OnlyLimit = poolFinding(R2);
  ASSERT_TRUE(OnlyInstances);
  ASSERT_TRUE(OnlyLimit);
  EXPECT_EQ(OnlyInstances->level, Level::Warning);
  EXPECT_EQ(OnlyLimit->level, Level::Warning);
}

TEST(ConnectionPoolJudge, OverTheBudgetItIsAnError) {
  FactsBuilder B;
  B.pool("db", "PgPool", 20);
  LinkResult R = B.link(budget(10, 150));
  const Finding *F = poolFinding(R);
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Error);
  EXPECT_THAT(F->message, HasSubstr("at the configured maximum, 10 instances × 20 = 200 "
                                    "connections reach the limit of 150"));
  EXPECT_EQ(F->symbol, "db in namespace scope");
}

TEST(ConnectionPoolJudge, ReachingTheLimitExactlyIsAnError) {
  FactsBuilder B;
  B.pool("db", "PgPool", 20);
  LinkResult R = B.link(budget(10, 200));
  const Finding *F = poolFinding(R);
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Error);
  EXPECT_THAT(F->message, HasSubstr("10 instances × 20 = 200 connections reach the limit of 200"));
}

TEST(ConnectionPoolJudge, WithinTheBudgetItIsANote) {
  FactsBuilder B;
  B.pool("db", "PgPool", 20);
  LinkResult R = B.link(budget(10, 201));
  const Finding *F = poolFinding(R);
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Note);
  EXPECT_THAT(F->message, HasSubstr("10 instances × 20 = 200 connections, within the limit of 201"));
}

TEST(ConnectionPoolJudge, ASizeThatIsNotAConstantCannotBeChecked) {
  FactsBuilder B;
  B.pool("db", "PgPool", std::nullopt).sizeText = "cfg.pool_size";
  LinkResult R = B.link(budget(10, 200));
  const Finding *F = poolFinding(R);
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Warning);
  EXPECT_THAT(F->message, HasSubstr("opens up to cfg.pool_size connections"));
  EXPECT_THAT(F->message, HasSubstr("cannot be checked because the size is not a constant"));
}

TEST(ConnectionPoolJudge, ADefaultSizedUnnamedPool) {
  FactsBuilder B;
  B.pool("", "redis::ConnectionPool", std::nullopt);
  LinkResult R = B.link(budget(10, 200));
  const Finding *F = poolFinding(R);
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Warning);
  EXPECT_EQ(F->symbol, "redis::ConnectionPool in namespace scope");
  EXPECT_THAT(F->message, HasSubstr("a redis::ConnectionPool opens a pool of its default size in "
                                    "every instance (in namespace scope)"));
}

TEST(ConnectionPoolJudge, EachPoolIsJudgedOnItsOwnSize) {
  FactsBuilder B;
  B.pool("small", "PgPool", 5);
  B.pool("large", "PgPool", 50);
  LinkResult R = B.link(budget(10, 100));
  ASSERT_EQ(findingsOf(R, Rule).size(), 2u);
  ASSERT_TRUE(findingOf(R, Rule, "small in namespace scope"));
  ASSERT_TRUE(findingOf(R, Rule, "large in namespace scope"));
  EXPECT_EQ(reported(R, Rule, "small in namespace scope").level, Level::Note);
  EXPECT_EQ(reported(R, Rule, "large in namespace scope").level, Level::Error);
}

} // namespace
