// connection-pool: downstream connection pools, their per-instance size, and the cluster
// budget (max_instances × pool size against the downstream limit) when it is configured.
#include "rules/Judge.h"
#include "rules/connection-pool/ConnectionPoolBudget.h"

#include <map>

namespace sa {

namespace {

class ConnectionPoolJudge : public Judge {
public:
  RuleId rule() const override { return RuleId::ConnectionPool; }

  void judge(JudgeContext &Ctx, std::vector<Finding> &Out) override {
    const std::vector<PoolFact> &Pools = Ctx.model().program().pools;
    std::vector<DownstreamBudget> Budgets = downstreamBudgets(Pools, Ctx.pools());
    std::map<std::string, const DownstreamBudget *> ByPool;
    for (const DownstreamBudget &G : Budgets)
      for (const PoolShare &S : G.pools)
        ByPool[S.poolId] = &G;
    for (const PoolFact &Pool : Pools)
      Out.push_back(finding(Ctx.model(), Pool, *ByPool.at(Pool.id)));
  }

private:
  static std::string uncheckedBecause(const PoolFact &Pool, const DownstreamBudget &G) {
    if (!Pool.size)
      return "because the size is not a constant";
    if (*Pool.size < 0)
      return "because the size is negative";
    if (!G.sizesKnown)
      return "because another pool of the downstream has a size that is not a constant";
    if (!G.sizesValid)
      return "because another pool of the downstream has a negative size";
    return "without max-instances and downstream-limit in the configuration";
  }

  Finding finding(const Model &M, const PoolFact &Pool, const DownstreamBudget &G) const {
    Finding F;
    F.rule = ruleId(rule());
    F.loc = Pool.loc;
    F.type = Pool.type;
    std::string Where = Pool.function.empty() ? std::string("namespace scope")
                                              : M.functionName(Pool.function);
    F.symbol = (Pool.name.empty() ? Pool.type : Pool.name) + " in " + Where;
    F.flow = M.chainSteps(Pool.function, M.phaseOf(Pool.function), "opens the pool", Pool.loc);
    std::string Size = Pool.size ? std::to_string(*Pool.size) : Pool.sizeText;
    std::string What = (Pool.name.empty() ? std::string("a ") + Pool.type
                                          : "'" + Pool.name + "', a " + Pool.type + ",");
    bool Negative = Pool.size && *Pool.size < 0;
    if (Negative)
      F.message = What + " is given the size " + Size + " (in " + Where +
                  "): a negative size is not a valid pool size";
    else if (Size.empty())
      F.message = What + " opens a pool of its default size in every instance (in " + Where +
                  "): with N instances the downstream service sees N pools";
    else
      F.message = What + " opens up to " + Size + " connections in every instance (in " +
                  Where + "): with N instances the downstream service sees N × " + Size +
                  " connections";

    bool Shared = G.pools.size() > 1;
    std::string Others;
    for (const PoolShare &S : G.pools) {
      if (S.poolId == Pool.id)
        continue;
      std::string Sz = S.size ? std::to_string(*S.size) : std::string("unknown size");
      Others += (Others.empty() ? "" : ", ") + ("'" + S.name + "' (" + Sz + ")");
      F.evidence.push_back({"reaches the same downstream '" + G.name + "': '" + S.name + "', " +
                                (!S.size      ? std::string("of a size that is not a constant")
                                 : *S.size < 0 ? "of the negative size " + Sz
                                              : Sz + " connections per instance"),
                            S.loc});
    }
    if (Shared)
      F.message += "; it reaches the downstream '" + G.name + "' (" + G.source + ") with " +
                   Others;
    const PoolShare *Mine = nullptr;
    for (const PoolShare &S : G.pools)
      if (S.poolId == Pool.id)
        Mine = &S;

    if (Pool.size && G.checked()) {
      std::string Sizes;
      for (const PoolShare &S : G.pools)
        Sizes += (Sizes.empty() ? "" : " + ") + std::to_string(*S.size);
      if (Shared)
        Sizes = "(" + Sizes + ")";
      std::string Sum = std::to_string(*G.maxInstances) + " instances × " + Sizes + " = " +
                        (G.overflows ? std::string("more than 9.2e18") : std::to_string(G.total)) +
                        " connections";
      if (G.exceeded()) {
        F.level = Level::Error;
        F.message += "; at the configured maximum, " + Sum + " reach the limit of " +
                     std::to_string(*G.limit);
        if (Mine && Mine->largestSafe)
          F.message += *Mine->largestSafe > 0
                           ? "; the largest safe size of this pool is " +
                                 std::to_string(*Mine->largestSafe) +
                                 (Shared ? " (the others unchanged)" : "")
                           : std::string("; the other pools alone use the budget up");
      } else {
        F.level = Level::Note;
        F.message += "; at the configured maximum, " + Sum + ", within the limit of " +
                     std::to_string(*G.limit);
      }
    } else {
      // A gate with a configured budget must not pass because a size makes no sense.
      bool Configured = G.maxInstances && G.limit;
      F.level = Negative && Configured ? Level::Error : Level::Warning;
      F.message += "; the budget (max_instances × pool size below the downstream limit) cannot "
                   "be checked " +
                   uncheckedBecause(Pool, G);
    }
    F.hint = "size the pool for the cluster: max_instances × pool_size, summed over the pools "
             "that reach the same downstream, must stay below its connection limit; read the "
             "size from configuration per deployment, or put a shared pooler (PgBouncer, "
             "ProxySQL) in front of the database";
    return F;
  }
};

} // namespace

std::unique_ptr<Judge> makeConnectionPoolJudge() { return std::make_unique<ConnectionPoolJudge>(); }

} // namespace sa
