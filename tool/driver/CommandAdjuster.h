// Turns a build's compile command into the command we parse with: clang in syntax-only mode,
// our resource directory, only the one input file, and only the options that shape how the
// file parses. The compile database is written by whoever can change the repository, so what
// reaches clang is an allow-list (include paths, macros, language, target), never the rest:
// outputs, plugins, raw arguments for clang's stages (-Xclang, -Wp,), instrumentation.
#pragma once

#include <string>
#include <vector>

namespace sa {

struct AdjustOptions {
  std::string ResourceDir;            // clang's built-in headers
  std::vector<std::string> ExtraArgs; // appended (scan -- ARGS), trusted: the user's own
};

/// Why an option that clang knows was refused, when that deserves a warning: it would write
/// a file, load code (or a precompiled file), or hand arguments to a stage unchecked.
enum class RefusedBecause { Writes, Loads, PassesOn };

struct RefusedOption {
  std::string option; // its spelling in clang's option table ("-Wp,", "--serialize-diagnostics")
  RefusedBecause why;
};

struct AdjustedCommand {
  std::vector<std::string> arguments;
  std::vector<std::string> dropped;   // arguments removed because clang does not know them
  std::vector<RefusedOption> refused; // options clang knows that must not reach it
};

AdjustedCommand adjustCommand(const std::vector<std::string> &Arguments,
                              const std::string &File, const AdjustOptions &Options);

/// "it would make clang write a file", ... for a warning.
const char *describe(RefusedBecause Why);

} // namespace sa
