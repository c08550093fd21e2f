// static-local: function-local statics, judged by where they are written.
#include "rules/Judge.h"

namespace sa {

std::unique_ptr<Judge> makeStaticLocalJudge() {
  return makeStateJudge(RuleId::StaticLocal, [](const StateDecl &D) { return D.kind == StateKind::StaticLocal && !D.threadLocal; });
}

} // namespace sa
