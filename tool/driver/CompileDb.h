// compile_commands.json, read robustly: relative directories and files resolved, "command"
// strings tokenised like a shell would, response files expanded, duplicates collapsed.
// No Clang here: the result is plain argument vectors, adjusted for clang by CommandAdjuster.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace sa {

struct CompileCommand {
  std::string directory; // absolute, canonical
  std::string file;      // absolute, canonical
  std::string spelledFile; // absolute, as the entry spells it (symlinks not resolved)
  std::vector<std::string> arguments; // argv[0] first, response files expanded
  std::vector<std::string> responseFiles; // absolute paths of the response files read
  /// Arguments that came out of response files: never echoed in messages (they may hold
  /// secrets such as tokens in -D flags).
  std::vector<std::string> fromResponseFiles;
  std::vector<std::string> problems; // "response file 'x' does not exist", ...; for warnings
};

/// The result of expanding @file arguments.
struct ResponseExpansion {
  std::vector<std::string> arguments;
  std::vector<std::string> files;     // absolute paths read
  std::vector<std::string> fromFiles; // arguments that came from them
  std::vector<std::string> problems;  // missing, unreadable or cyclic response files
};

/// Loads a compilation database. Errors name the file and the place that is broken
/// ("compile_commands.json:4:7: ..." for JSON syntax, "entry 3: ..." for bad entries).
/// Entries listing the same file twice are kept once (the first).
llvm::Expected<std::vector<CompileCommand>> loadCompileDatabase(llvm::StringRef Path);

/// Parses a database from memory; `Path` names it in errors and anchors relative directories.
llvm::Expected<std::vector<CompileCommand>> parseCompileDatabase(llvm::StringRef Content,
                                                                 llvm::StringRef Path);

/// Looks for compile_commands.json in `Start` (a file's directory or a directory) and each
/// parent, as clang-tidy does. Empty when there is none.
std::string findCompileDatabase(llvm::StringRef Start);

/// Expands @file arguments relative to `Directory` (nested ones too, GNU quoting). A missing,
/// unreadable or cyclic response file is left in place and named in `problems`.
ResponseExpansion expandResponseFiles(const std::vector<std::string> &Args,
                                      llvm::StringRef Directory);

} // namespace sa
