#include "CheckRegistry.h"

#include "FileWriteCheck.h"
#include "GlobalVariableCheck.h"
#include "StaticLocalCheck.h"
#include "StaticMemberCheck.h"
#include "ThreadLocalCheck.h"

namespace sa {

std::vector<std::unique_ptr<Check>> createChecks(ExtractContext &Ctx) {
  std::vector<std::unique_ptr<Check>> Checks;
  Checks.push_back(std::make_unique<GlobalVariableCheck>(Ctx));
  Checks.push_back(std::make_unique<StaticLocalCheck>(Ctx));
  Checks.push_back(std::make_unique<StaticMemberCheck>(Ctx));
  Checks.push_back(std::make_unique<ThreadLocalCheck>(Ctx));
  Checks.push_back(std::make_unique<FileWriteCheck>(Ctx));
  return Checks;
}

} // namespace sa
