// The documentation pages of the rules (docs/rules/<id>.md), embedded at build time so SARIF
// rule metadata carries them as help.markdown.
#pragma once

#include "llvm/ADT/StringRef.h"

namespace sa {

/// The markdown page of a rule; empty when the build found none.
llvm::StringRef ruleDocumentation(llvm::StringRef RuleId);

} // namespace sa
