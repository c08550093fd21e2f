#include "review/Review.h"

#include "gate/Suppressions.h"
#include "rules/RuleSet.h"

#include <algorithm>

namespace sa {

Review review(const Program &P, const ReviewOptions &O) {
  Review R;
  LinkResult L = link(P, O.config.linkOptions());
  R.notes = std::move(L.notes);
  R.entryPoints = L.entryPoints;

  std::vector<std::string> Disabled;
  for (const auto &[Rule, RC] : O.config.rules)
    if (!RC.enabled.value_or(true))
      Disabled.push_back(Rule);
  auto Configure = [&](std::vector<Finding> &Findings) {
    Findings.erase(std::remove_if(Findings.begin(), Findings.end(),
                                  [&](const Finding &F) { return !O.config.ruleEnabled(F.rule); }),
                   Findings.end());
    for (Finding &F : Findings) {
      auto It = O.config.rules.find(F.rule);
      if (It != O.config.rules.end() && It->second.level)
        F.level = *It->second.level;
    }
  };
  Configure(L.findings);
  std::vector<Finding> Problems = applySuppressions(L.findings, P.suppressions, Disabled);
  Configure(Problems);

  R.findings = std::move(L.findings);
  R.findings.insert(R.findings.end(), Problems.begin(), Problems.end());
  std::sort(R.findings.begin(), R.findings.end(), findingLess);
  assignFingerprints(R.findings);

  if (O.baseline)
    R.absent = applyBaseline(R.findings, *O.baseline, O.baselinePathMap);
  R.gate = evaluateGate(R.findings, P.tus, O.failOn, O.allowCompileErrors);
  return R;
}

} // namespace sa
