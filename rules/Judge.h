// A rule's judge: from the program model to the rule's findings (level, message, evidence,
// hint). Judges run after every TU's facts are merged; they never see the AST. Each rule's
// folder holds its judge next to its extractor (the checks that produce its facts).
#pragma once

#include "facts/Finding.h"
#include "rules/Registry.h"
#include "rules/common/StateLadder.h"

#include <functional>
#include <memory>
#include <vector>

namespace sa {

class Judge {
public:
  virtual ~Judge() = default;
  virtual RuleId rule() const = 0;
  virtual void judge(JudgeContext &Ctx, std::vector<Finding> &Out) = 0;
};

/// A judge that reports the ladder's verdict (rules/common/StateLadder.h) for every state
/// `Owns` selects, unless session-state reports it.
std::unique_ptr<Judge> makeStateJudge(RuleId Rule, std::function<bool(const StateDecl &)> Owns);

/// One judge per rule that judges program facts, in registry order.
std::vector<std::unique_ptr<Judge>> createJudges();

} // namespace sa
