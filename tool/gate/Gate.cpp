#include "gate/Gate.h"

namespace sa {

bool countsForGate(const Finding &F) {
  return !F.suppressed && F.baseline != BaselineState::Unchanged &&
         F.baseline != BaselineState::Absent;
}

GateResult evaluateGate(const std::vector<Finding> &Findings, const std::vector<TUSummary> &TUs,
                        std::optional<Level> FailOn, bool AllowCompileErrors) {
  GateResult G;
  G.failOn = FailOn;
  for (const Finding &F : Findings) {
    if (F.suppressed)
      ++G.suppressed;
    else if (F.baseline == BaselineState::Unchanged)
      ++G.baselined;
    if (!countsForGate(F) || !FailOn || F.level < *FailOn)
      continue;
    ++G.failing;
    ++G.failingByRule[F.rule];
  }
  G.failed = G.failing > 0;
  for (const TUSummary &T : TUs)
    if (T.status == TUStatus::Failed ||
        (T.status == TUStatus::CompileErrors && !AllowCompileErrors))
      G.incomplete = true;
  return G;
}

int exitCodeFor(const GateResult &G) {
  if (G.incomplete)
    return 3;
  return G.failed ? 1 : 0;
}

} // namespace sa
