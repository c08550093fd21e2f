// The rule catalogue: ids, levels and descriptions, shared by `state-audit rules`, the reports
// and the SARIF rule metadata. No Clang here; the checks that implement the rules live in checks/.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace sa {

/// Finding levels, ordered: a gate at `Warning` also fails on `Error`.
enum class Level { Note = 1, Warning = 2, Error = 3 };

const char *toString(Level);
std::optional<Level> parseLevel(llvm::StringRef);

struct RuleInfo {
  const char *id;          // "global-variable"
  const char *name;        // "GlobalVariable" (SARIF reportingDescriptor.name)
  const char *summary;     // one line, for `state-audit rules` and SARIF shortDescription
  const char *description; // a paragraph: what and why it blocks scaling
  Level defaultLevel;
  const char *precision;   // SARIF precision: very-high, high, medium, low
};

llvm::ArrayRef<RuleInfo> allRules();
const RuleInfo *findRule(llvm::StringRef Id);

} // namespace sa
