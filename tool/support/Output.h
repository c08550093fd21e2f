// Writing results: files are replaced atomically so a CI job never reads half a report.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <functional>

namespace llvm {
class raw_ostream;
}

namespace sa {

/// Writes to `Path` through a temporary file in the same directory, renamed over `Path` once
/// complete. "-" or an empty path writes to standard output.
llvm::Error writeOutput(llvm::StringRef Path,
                        const std::function<void(llvm::raw_ostream &)> &Write);

/// Same, for content already in memory.
llvm::Error writeFileAtomically(llvm::StringRef Path, llvm::StringRef Contents);

} // namespace sa
