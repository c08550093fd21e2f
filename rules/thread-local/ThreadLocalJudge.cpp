// thread-local: thread_local state of any scope, judged by where it is written (per-thread scratch space is a note).
#include "rules/Judge.h"

namespace sa {

std::unique_ptr<Judge> makeThreadLocalJudge() {
  return makeStateJudge(RuleId::ThreadLocal, [](const StateDecl &D) { return D.threadLocal; });
}

} // namespace sa
