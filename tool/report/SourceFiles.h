// The project's source files as the reports need them: lines for the text report's excerpts,
// UTF-16 columns and line hashes for SARIF. Each file is read once.
#pragma once

#include "support/Paths.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <map>
#include <memory>
#include <string>

namespace sa {

class SourceFiles {
public:
  explicit SourceFiles(const ProjectPaths &Paths) : Paths(Paths) {}

  /// The whole file, or nullopt when it cannot be read.
  std::optional<llvm::StringRef> contents(const std::string &File);
  /// The text of a 1-based line without its end-of-line; empty when unavailable.
  llvm::StringRef line(const std::string &File, unsigned Line);
  /// A 1-based byte column (clang's) as a 1-based UTF-16 column (SARIF's default).
  unsigned utf16Column(const std::string &File, unsigned Line, unsigned ByteColumn);
  /// GitHub's primaryLocationLineHash of a line ("" when the file cannot be read).
  std::string lineHash(const std::string &File, unsigned Line);

private:
  const ProjectPaths &Paths;
  std::map<std::string, std::unique_ptr<llvm::MemoryBuffer>> Buffers;
  std::map<std::string, std::map<unsigned, std::string>> Hashes;
};

} // namespace sa
