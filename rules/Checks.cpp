#include "rules/Checks.h"

namespace sa {

#define CHECK(Class) std::unique_ptr<Check> make##Class(ExtractContext &Ctx);
#include "rules/Registry.def"

std::vector<std::unique_ptr<Check>> createChecks(ExtractContext &Ctx) {
  std::vector<std::unique_ptr<Check>> Checks;
#define CHECK(Class) Checks.push_back(make##Class(Ctx));
#include "rules/Registry.def"
  return Checks;
}

} // namespace sa
