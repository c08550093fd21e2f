// connection-pool: downstream connection pools, their per-instance size, and the cluster
// budget (max_instances × pool size against the downstream limit) when it is configured.
#include "rules/Judge.h"

namespace sa {

namespace {

class ConnectionPoolJudge : public Judge {
public:
  RuleId rule() const override { return RuleId::ConnectionPool; }

  void judge(JudgeContext &Ctx, std::vector<Finding> &Out) override {
    for (const PoolFact &Pool : Ctx.model().program().pools)
      Out.push_back(finding(Ctx.model(), Ctx.pools(), Pool));
  }

private:
  Finding finding(const Model &M, const PoolBudget &B, const PoolFact &Pool) const {
    Finding F;
    F.rule = ruleId(rule());
    F.loc = Pool.loc;
    F.type = Pool.type;
    std::string Where = Pool.function.empty() ? std::string("namespace scope")
                                              : M.functionName(Pool.function);
    F.symbol = (Pool.name.empty() ? Pool.type : Pool.name) + " in " + Where;
    std::string Size = Pool.size ? std::to_string(*Pool.size) : Pool.sizeText;
    std::string What = (Pool.name.empty() ? std::string("a ") + Pool.type
                                          : "'" + Pool.name + "', a " + Pool.type + ",");
    if (Size.empty())
      F.message = What + " opens a pool of its default size in every instance (in " + Where +
                  "): with N instances the downstream service sees N pools";
    else
      F.message = What + " opens up to " + Size + " connections in every instance (in " +
                  Where + "): with N instances the downstream service sees N × " + Size +
                  " connections";
    if (Pool.size && B.maxInstances && B.downstreamLimit) {
      // A size from the source can be anything: compute without overflow.
      std::int64_t Total = 0;
      bool Overflows = __builtin_mul_overflow(*B.maxInstances, *Pool.size, &Total);
      std::string Sum = std::to_string(*B.maxInstances) + " instances × " +
                        std::to_string(*Pool.size) + " = " +
                        (Overflows ? std::string("more than 9.2e18") : std::to_string(Total)) +
                        " connections";
      if (Overflows || Total >= *B.downstreamLimit) {
        F.level = Level::Error;
        F.message += "; at the configured maximum, " + Sum + " reach the limit of " +
                     std::to_string(*B.downstreamLimit);
      } else {
        F.level = Level::Note;
        F.message += "; at the configured maximum, " + Sum + ", within the limit of " +
                     std::to_string(*B.downstreamLimit);
      }
    } else {
      F.level = Level::Warning;
      F.message += "; the budget (max_instances × pool size below the downstream limit) cannot "
                   "be checked" +
                   std::string(Pool.size ? " without max-instances and downstream-limit in the "
                                           "configuration"
                                         : " because the size is not a constant");
    }
    F.hint = "size the pool for the cluster: max_instances × pool_size must stay below the "
             "downstream connection limit; read the size from configuration per deployment, or "
             "put a shared pooler (PgBouncer, ProxySQL) in front of the database";
    return F;
  }
};

} // namespace

std::unique_ptr<Judge> makeConnectionPoolJudge() { return std::make_unique<ConnectionPoolJudge>(); }

} // namespace sa
