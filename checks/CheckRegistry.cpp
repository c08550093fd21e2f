#include "CheckRegistry.h"

#include "CapturedStateCheck.h"
#include "ConnectionPoolCheck.h"
#include "FileWriteCheck.h"
#include "GlobalVariableCheck.h"
#include "MemberStateCheck.h"
#include "SingletonCheck.h"
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
  Checks.push_back(std::make_unique<MemberStateCheck>(Ctx));
  Checks.push_back(std::make_unique<CapturedStateCheck>(Ctx));
  Checks.push_back(std::make_unique<SingletonCheck>(Ctx));
  Checks.push_back(std::make_unique<ConnectionPoolCheck>(Ctx));
  return Checks;
}

} // namespace sa
