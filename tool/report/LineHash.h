// The line hashes GitHub code scanning uses as `partialFingerprints.primaryLocationLineHash`
// (computed by its upload action when a report lacks them): a rolling hash of the 100
// characters starting at each line, spaces and tabs left out and line endings normalised,
// so a line keeps its hash when lines above it are inserted or removed. Identical hashes
// within a file are told apart by a ":<count>" suffix.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>

namespace sa {

/// Hash of every line of a UTF-8 text, by 1-based line number.
std::map<unsigned, std::string> computeLineHashes(llvm::StringRef Text);

} // namespace sa
