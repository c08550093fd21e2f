// What the configuration's text must be before LLVM's YAML reader sees it: the reader does
// not survive every input (control characters, aliases, deep nesting, some document
// structures), so these checks refuse what would crash it, with file:line:col.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

namespace sa {

/// "PATH:LINE:COL: WHAT" as an error.
llvm::Error configError(llvm::StringRef Path, unsigned Line, unsigned Col, const llvm::Twine &What);

/// Refuses control characters and NUL, anchors and aliases, and nesting deep enough to
/// overflow the reader's recursion. A configuration needs none of them. `Kind` names the
/// file in messages ("a configuration file", "a step file").
llvm::Error prevalidateYaml(llvm::StringRef T, llvm::StringRef Path,
                            llvm::StringRef Kind = "a configuration file");

/// The line where a second YAML document starts, or 0.
unsigned secondDocumentLine(llvm::StringRef T);

} // namespace sa
