// Text from the scanned code (file names, identifiers, types) inside markdown: it must render
// as itself, whatever characters it holds, and never as markup, HTML or a table's columns.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <string>

namespace sa {

/// Plain markdown text: characters that start markup or HTML are backslash-escaped (the pipe
/// too, so it is safe in a table cell), line breaks become spaces, other control characters go.
std::string markdownText(llvm::StringRef S);

/// A code span that holds any text: the fence is one backtick longer than the longest run of
/// backticks inside (CommonMark), padded when the text starts or ends with one, and line
/// breaks become spaces. A file named "a`b.cpp" cannot break out of it.
std::string markdownCode(llvm::StringRef S);

/// A code span for a table cell: GFM splits cells at a pipe even inside a code span unless it
/// is escaped, and shows the escaped pipe as a pipe there.
std::string markdownCodeInCell(llvm::StringRef S);

} // namespace sa
