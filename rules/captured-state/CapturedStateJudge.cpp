// captured-state: locals of a long-lived scope (and mutable closure state) written by handlers or background work.
#include "rules/Judge.h"

namespace sa {

std::unique_ptr<Judge> makeCapturedStateJudge() {
  return makeStateJudge(RuleId::CapturedState, [](const StateDecl &D) { return D.kind == StateKind::CapturedLocal; });
}

} // namespace sa
