#include "rules/RuleSet.h"

#include "program/Model.h"
#include "rules/Judge.h"

#include <algorithm>

namespace sa {

#define JUDGE(Enum) std::unique_ptr<Judge> make##Enum##Judge();
#include "rules/Registry.def"

std::vector<std::unique_ptr<Judge>> createJudges() {
  std::vector<std::unique_ptr<Judge>> Judges;
#define JUDGE(Enum) Judges.push_back(make##Enum##Judge());
#include "rules/Registry.def"
  return Judges;
}

namespace {

class StateJudge : public Judge {
public:
  StateJudge(RuleId Rule, std::function<bool(const StateDecl &)> Owns)
      : Rule(Rule), Owns(std::move(Owns)) {}
  RuleId rule() const override { return Rule; }
  void judge(JudgeContext &Ctx, std::vector<Finding> &Out) override {
    reportStates(Rule, Ctx, Owns, Out);
  }

private:
  RuleId Rule;
  std::function<bool(const StateDecl &)> Owns;
};

} // namespace

std::unique_ptr<Judge> makeStateJudge(RuleId Rule, std::function<bool(const StateDecl &)> Owns) {
  return std::make_unique<StateJudge>(Rule, std::move(Owns));
}

LinkResult link(const Program &P, const LinkOptions &Options) {
  Model M(P, Options.entryPoints);
  const Reachability &R = M.reachability();
  LinkResult Out;
  Out.entryPoints = static_cast<unsigned>(R.entries.size());
  for (const std::string &E : R.patternErrors)
    Out.notes.push_back("entry-point configuration: " + E);
  if (R.noEntryPoints && !P.functions.empty())
    Out.notes.push_back(
        "no request entry points were recognised (handler registrations, handler "
        "overrides, configured entry points): every function outside the start-up path of "
        "main() is treated as request code");

  JudgeContext Ctx(M, Options.pools);
  for (const std::unique_ptr<Judge> &J : createJudges())
    J->judge(Ctx, Out.findings);
  std::sort(Out.findings.begin(), Out.findings.end(), findingLess);
  assignFingerprints(Out.findings);
  return Out;
}

} // namespace sa
