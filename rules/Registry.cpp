#include "rules/Registry.h"

namespace sa {

namespace {

const RuleInfo Rules[] = {
#define RULE(Enum, Id, Name, DefaultLevel, Precision, Tags, Summary, Description)              \
  {RuleId::Enum, Id, Name, Level::DefaultLevel, Precision, Tags, Summary, Description},
#include "rules/Registry.def"
};

} // namespace

llvm::ArrayRef<RuleInfo> allRules() { return Rules; }

const RuleInfo *findRule(llvm::StringRef Id) {
  for (const RuleInfo &R : Rules)
    if (Id == R.id)
      return &R;
  return nullptr;
}

const RuleInfo &ruleInfo(RuleId Rule) { return Rules[static_cast<size_t>(Rule)]; }

const char *ruleId(RuleId Rule) { return ruleInfo(Rule).id; }

const char *const ProjectUri = "https://github.com/state-audit/state-audit";

std::string ruleHelpUri(llvm::StringRef Id) {
  return std::string(ProjectUri) + "/blob/main/docs/rules/" + Id.str() + ".md";
}

} // namespace sa
