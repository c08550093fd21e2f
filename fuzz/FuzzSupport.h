// Shared by the fuzz targets: the input as a StringRef.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <cstdint>

inline llvm::StringRef fuzzInput(const uint8_t *Data, size_t Size) {
  return llvm::StringRef(reinterpret_cast<const char *>(Data), Size);
}
