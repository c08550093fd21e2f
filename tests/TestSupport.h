// Small helpers shared by the tests: temporary directories and files.
#pragma once

#include "support/Paths.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace sa::testing {

/// A fresh directory, removed with everything in it when the object goes away.
class TempDir {
public:
  TempDir() {
    llvm::SmallString<128> P;
    llvm::sys::fs::createUniqueDirectory("state-audit-test", P);
    Path = canonicalPath(P);
  }
  ~TempDir() { llvm::sys::fs::remove_directories(Path); }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::string &path() const { return Path; }

  std::string file(llvm::StringRef Rel) const {
    llvm::SmallString<256> P(Path);
    llvm::sys::path::append(P, Rel);
    return std::string(P);
  }

  /// Writes `Content` to `Rel` (creating directories) and returns the absolute path.
  std::string write(llvm::StringRef Rel, llvm::StringRef Content) const {
    std::string P = file(Rel);
    llvm::sys::fs::create_directories(llvm::sys::path::parent_path(P));
    std::error_code EC;
    llvm::raw_fd_ostream OS(P, EC);
    OS << Content;
    return P;
  }

private:
  std::string Path;
};

inline std::string readFile(llvm::StringRef P) {
  auto B = llvm::MemoryBuffer::getFile(P, /*IsText=*/true);
  return B ? (*B)->getBuffer().str() : std::string();
}

} // namespace sa::testing
