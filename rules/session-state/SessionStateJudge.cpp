// session-state: any state holding per-session data (named after sessions, holding session
// objects, or keyed by a session id / Mcp-Session-Id value) that is written while serving or
// by work that cannot be placed. It takes such state from the rule of its location: what
// matters is that sessions are pinned to one instance.
#include "rules/Judge.h"

namespace sa {

namespace {

class SessionStateJudge : public Judge {
public:
  RuleId rule() const override { return RuleId::SessionState; }

  void judge(JudgeContext &Ctx, std::vector<Finding> &Out) override {
    for (const auto &[Id, U] : Ctx.model().uses()) {
      if (!Ctx.ownedBySessionRule(Id))
        continue;
      const StateVerdict &V = *Ctx.verdict(Id);
      const StateDecl &D = *U.decl;
      Finding F = stateFinding(rule(), D, V);
      if (V.requestWritten) {
        F.message = "'" + D.name + "' holds per-session data and is written while serving "
                    "requests (" + V.chain + "); every request of a session must reach the "
                    "instance that created it (sticky sessions), and the session is lost "
                    "when that instance stops";
        for (const Access *A : U.accesses)
          if (A->sessionKeyed) {
            F.evidence.push_back({"keyed by a session id: " + describeAccess(D, *A), A->loc});
            break;
          }
      }
      Out.push_back(std::move(F));
      capFindings(rule(), Ctx.model(), U, Out);
    }
  }
};

} // namespace

std::unique_ptr<Judge> makeSessionStateJudge() { return std::make_unique<SessionStateJudge>(); }

} // namespace sa
