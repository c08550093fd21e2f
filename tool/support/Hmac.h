// HMAC-SHA256 (RFC 2104), what the facts cache signs its files with.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <string>

namespace sa {

/// HMAC-SHA256 of `Message` under `Key`, as lowercase hex.
std::string hmacSha256(llvm::StringRef Key, llvm::StringRef Message);

} // namespace sa
