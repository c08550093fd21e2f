// Inline suppressions: what a comment says, and which findings it silences.
//
//   // state-audit: allow(global-variable, static-local) reason
//   // NOLINT(state-audit-global-variable) reason        (this line)
//   // NOLINTNEXTLINE(state-audit-*) reason               (the next line)
//   // NOLINTBEGIN(state-audit-member-state) reason ... // NOLINTEND(state-audit-member-state)
//
// `allow` applies to its own line and the next. A bare NOLINT (or NOLINT(*)) silences every
// rule, as it does for clang-tidy; NOLINT lists that name only other tools' checks are not
// ours. Suppressions that name state-audit rules explicitly must give a reason and must
// silence something; both problems are reported as findings of the `suppression` rule.
#pragma once

#include "facts/Facts.h"
#include "facts/Finding.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <vector>

namespace sa {

/// Marks suppressed findings and returns the problems with the suppressions themselves.
/// Findings of rules that are not `Active` are ignored when deciding what is unused.
std::vector<Finding> applySuppressions(std::vector<Finding> &Findings,
                                       const std::vector<SuppressionComment> &Suppressions,
                                       const std::vector<std::string> &InactiveRules = {});

} // namespace sa
