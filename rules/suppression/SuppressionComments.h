// The suppression rule's syntax: what an inline suppression comment says.
//
//   // state-audit: allow(global-variable, static-local) reason
//   // NOLINT(state-audit-global-variable) reason        (this line)
//   // NOLINTNEXTLINE(state-audit-*) reason               (the next line)
//   // NOLINTBEGIN(state-audit-member-state) reason ... // NOLINTEND(state-audit-member-state)
//
// Extraction reads the comments with it (rules/suppression/SuppressionCollector); the gate
// applies them to findings and reports their problems (gate/Suppressions.h).
#pragma once

#include "facts/Facts.h"

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace sa {

/// Parses a comment's text (with its markers). `rules` holds rule ids, or "*" for all.
std::optional<SuppressionComment> parseSuppressionComment(llvm::StringRef Text);

} // namespace sa
