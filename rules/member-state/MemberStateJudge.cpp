// member-state: fields of long-lived objects, judged by where they are written.
#include "rules/Judge.h"

namespace sa {

std::unique_ptr<Judge> makeMemberStateJudge() {
  return makeStateJudge(RuleId::MemberState, [](const StateDecl &D) { return D.kind == StateKind::Field; });
}

} // namespace sa
