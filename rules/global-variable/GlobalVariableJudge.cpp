// global-variable: namespace-scope state, judged by where it is written.
#include "rules/Judge.h"

namespace sa {

std::unique_ptr<Judge> makeGlobalVariableJudge() {
  return makeStateJudge(RuleId::GlobalVariable, [](const StateDecl &D) { return D.kind == StateKind::Global && !D.threadLocal; });
}

} // namespace sa
