// connection-pool's judge on hand-built facts: each pool with its per-instance size, and the
// cluster budget (max_instances × pool size against the downstream limit) when configured.
#include "unit/FactsBuilder.h"
#include "rules/connection-pool/ConnectionPoolBudget.h"

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

// Two pools to the same database each fit alone; together they do not.
TEST(ConnectionPoolBudget, PoolsOfOneDownstreamAreSummed) {
  FactsBuilder B;
  PoolFact &Reads = B.pool("g_reads", "PgPool", 15);
  Reads.downstream = "postgresql://db.internal/notes";
  Reads.downstreamLiteral = true;
  PoolFact &Writes = B.pool("g_writes", "PgPool", 15);
  Writes.downstream = "postgresql://app:secret@DB.internal/notes?sslmode=require";
  Writes.downstreamLiteral = true;
  PoolFact &Cache = B.pool("g_cache", "RedisPool", 5);
  Cache.downstream = "tcp://cache.internal:6379";
  Cache.downstreamLiteral = true;
  LinkResult R = B.link(budget(10, 200));
  std::vector<const Finding *> All = findingsOf(R, Rule);
  ASSERT_EQ(All.size(), 3u);
  for (const Finding *F : All) {
    if (F->symbol == "g_cache in namespace scope") {
      EXPECT_EQ(F->level, Level::Note);
      EXPECT_THAT(F->message, HasSubstr("10 instances × 5 = 50 connections, within the limit of 200"));
      continue;
    }
    EXPECT_EQ(F->level, Level::Error) << F->message;
    EXPECT_THAT(F->message, HasSubstr("it reaches the downstream 'db.internal' (connection string)"));
    EXPECT_THAT(F->message, HasSubstr("10 instances × (15 + 15) = 300 connections reach the limit of 200"));
    EXPECT_THAT(F->message, HasSubstr("the largest safe size of this pool is 4 (the others unchanged)"));
    ASSERT_EQ(F->evidence.size(), 1u);
    EXPECT_THAT(F->evidence[0].message, HasSubstr("reaches the same downstream 'db.internal'"));
  }

  std::vector<DownstreamBudget> Budgets = downstreamBudgets(B.program().pools, budget(10, 200).pools);
  ASSERT_EQ(Budgets.size(), 2u);
  EXPECT_EQ(Budgets[0].name, "cache.internal:6379");
  EXPECT_FALSE(Budgets[0].exceeded());
  EXPECT_EQ(Budgets[1].name, "db.internal");
  EXPECT_EQ(Budgets[1].perInstance, 30);
  EXPECT_EQ(Budgets[1].total, 300);
  EXPECT_TRUE(Budgets[1].exceeded());
  ASSERT_EQ(Budgets[1].pools.size(), 2u);
  EXPECT_EQ(Budgets[1].pools[0].largestSafe, 4);
  EXPECT_EQ(Budgets[1].pools[1].largestSafe, 4);
}

TEST(ConnectionPoolBudget, ConfiguredDownstreamsGroupByNameAndHaveTheirOwnLimit) {
  FactsBuilder B;
  B.pool("g_a", "PgPool", 10).downstream = "cfg.primary_url";
  B.pool("g_b", "PgPool", 10).downstream = "cfg.replica_url";
  LinkOptions O = budget(4, 1000);
  // Without configuration, two expressions are two downstreams.
  EXPECT_EQ(downstreamBudgets(B.program().pools, O.pools).size(), 2u);
  O.pools.downstreams.push_back({"notes-db", 60, {"g_a", "cfg.replica_url"}});
  std::vector<DownstreamBudget> Budgets = downstreamBudgets(B.program().pools, O.pools);
  ASSERT_EQ(Budgets.size(), 1u);
  EXPECT_EQ(Budgets[0].name, "notes-db");
  EXPECT_EQ(Budgets[0].source, "configured");
  EXPECT_EQ(Budgets[0].limit, 60);
  EXPECT_EQ(Budgets[0].total, 80);
  EXPECT_TRUE(Budgets[0].exceeded());
  // (60 - 1) / 4 = 14 per instance; the other pool takes 10.
  EXPECT_EQ(Budgets[0].pools[0].largestSafe, 4);
  LinkResult R = B.link(O);
  for (const Finding *F : findingsOf(R, Rule))
    EXPECT_EQ(F->level, Level::Error) << F->message;
}

TEST(ConnectionPoolBudget, AnUnknownSizeInTheGroupLeavesItUnchecked) {
  FactsBuilder B;
  B.pool("g_a", "PgPool", 10).downstream = "db";
  B.pool("g_b", "PgPool", std::nullopt).downstream = "db";
  LinkResult R = B.link(budget(4, 1000));
  for (const Finding *F : findingsOf(R, Rule)) {
    EXPECT_EQ(F->level, Level::Warning);
    if (F->symbol == "g_a in namespace scope") {
      EXPECT_THAT(F->message, HasSubstr("another pool of the downstream has a size that is not a constant"));
    }
  }
}

TEST(ConnectionPoolBudget, DownstreamOfConnectionStrings) {
  EXPECT_EQ(downstreamOf("postgresql://user:pw@db.internal:5432/notes"), "db.internal:5432");
  EXPECT_EQ(downstreamOf("host=db.internal port=6432 dbname=notes"), "db.internal:6432");
  EXPECT_EQ(downstreamOf("dbname=notes host='Db'"), "db");
  EXPECT_EQ(downstreamOf("redis://cache:6379/0"), "cache:6379");
  EXPECT_EQ(downstreamOf("db.internal:5432"), "db.internal:5432");
}
