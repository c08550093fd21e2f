// Turns a build's compile command into the command we parse with: clang in syntax-only mode,
// our resource directory, only the one input file, and without the flags clang does not know
// (GCC-only options are common in real databases) or that would write files (-o, -MF, ...).
#pragma once

#include <string>
#include <vector>

namespace sa {

struct AdjustOptions {
  std::string ResourceDir;            // clang's built-in headers
  std::vector<std::string> ExtraArgs; // appended (scan -- ARGS)
};

struct AdjustedCommand {
  std::vector<std::string> arguments;
  std::vector<std::string> dropped; // arguments removed because clang does not know them
};

AdjustedCommand adjustCommand(const std::vector<std::string> &Arguments,
                              const std::string &File, const AdjustOptions &Options);

} // namespace sa
