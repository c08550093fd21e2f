// Migration hints: where a piece of state should move, fitted to its shape.
#pragma once

#include "facts/Facts.h"

#include <string>

namespace sa {

/// Hint for state of the given shape and type.
std::string stateHint(const StateDecl &D);

/// Hint for a filesystem write.
std::string fileHint(const FileOp &Op);

} // namespace sa
