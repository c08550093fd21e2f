#include "Commands.h"

#include "rules/Registry.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace sa {

int runRulesCommand() {
  for (const RuleInfo &R : allRules())
    llvm::outs() << llvm::left_justify(R.id, 17) << " " << llvm::left_justify(toString(R.defaultLevel), 8)
                 << " " << R.summary << "\n";
  return 0;
}

} // namespace sa
