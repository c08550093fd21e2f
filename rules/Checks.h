// The list of checks run on every TU.
#pragma once

#include "model/Check.h"

#include <memory>
#include <vector>

namespace sa {

std::vector<std::unique_ptr<Check>> createChecks(ExtractContext &Ctx);

} // namespace sa
