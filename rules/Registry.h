// The rule registry: every rule's id, SARIF name, default level, summary and description,
// declared once in rules/Registry.def. The CLI's `rules`, the reports, SARIF's rule metadata,
// the configuration and the embedded rule pages all read it; code names a rule only through
// RuleId.
#pragma once

#include "facts/Finding.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace sa {

enum class RuleId {
#define RULE(Enum, ...) Enum,
#include "rules/Registry.def"
};

struct RuleInfo {
  RuleId rule;
  const char *id;          // "global-variable"
  const char *name;        // "GlobalVariable" (SARIF reportingDescriptor.name)
  Level defaultLevel;
  const char *precision;   // SARIF precision: very-high, high, medium, low
  const char *tags;        // SARIF tags, space-separated
  const char *summary;     // one line, for `state-audit rules` and SARIF shortDescription
  const char *description; // a paragraph: what and why it blocks scaling
};

llvm::ArrayRef<RuleInfo> allRules();
const RuleInfo *findRule(llvm::StringRef Id);
const RuleInfo &ruleInfo(RuleId);
/// The id findings carry, as the registry spells it.
const char *ruleId(RuleId);

/// The project's home page (SARIF's informationUri).
extern const char *const ProjectUri;
/// Where a rule's page (docs/rules/<id>.md) is read online; `state-audit explain <id>` prints it.
std::string ruleHelpUri(llvm::StringRef Id);

} // namespace sa
