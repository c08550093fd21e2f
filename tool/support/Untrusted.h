// Guards for parsers of untrusted input (compile databases, baselines, facts files, cache
// entries, configuration). LLVM's JSON and YAML parsers recurse once per nesting level, so a
// document nested 50 000 levels deep overflows the stack; these checks run first, cheaply, so
// the parsers never see what would crash them.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>

namespace sa {

/// Deepest nesting accepted in any JSON document we read. Our own formats nest < 12 levels.
inline constexpr unsigned MaxJsonDepth = 512;

/// Byte offset of the first bracket nested deeper than `MaxDepth` (brackets inside strings do
/// not count), or nullopt when the document stays within it.
std::optional<size_t> jsonTooDeepAt(llvm::StringRef Text, unsigned MaxDepth = MaxJsonDepth);

/// Line and column (1-based) of a byte offset.
std::pair<unsigned, unsigned> lineColumn(llvm::StringRef Text, size_t Offset);

/// llvm::json::parse after the depth check. Errors read "<line>:<col>: not valid JSON: <what>" (no file name:
/// the caller adds it).
llvm::Expected<llvm::json::Value> parseUntrustedJson(llvm::StringRef Text,
                                                     unsigned MaxDepth = MaxJsonDepth);

} // namespace sa
