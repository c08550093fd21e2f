// static-member: static data members, judged by where they are written.
#include "rules/Judge.h"

namespace sa {

std::unique_ptr<Judge> makeStaticMemberJudge() {
  return makeStateJudge(RuleId::StaticMember, [](const StateDecl &D) { return D.kind == StateKind::StaticMember && !D.threadLocal; });
}

} // namespace sa
