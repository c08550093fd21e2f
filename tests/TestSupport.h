// Small helpers shared by the tests: temporary directories and files.
#pragma once

#include "support/Paths.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Compression.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <string>
#include <vector>

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

inline void writeFile(llvm::StringRef P, llvm::StringRef Content) {
  std::error_code EC;
  llvm::raw_fd_ostream OS(P, EC);
  OS << Content;
}

/// The files of one kind in a cache directory ("entries", "objects", "links"), sorted.
inline std::vector<std::string> cacheFiles(llvm::StringRef CacheDir, llvm::StringRef Kind) {
  std::vector<std::string> Files;
  std::error_code EC;
  llvm::SmallString<256> Dir(CacheDir);
  llvm::sys::path::append(Dir, "v3", Kind);
  for (llvm::sys::fs::recursive_directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC))
    if (llvm::sys::fs::is_regular_file(It->path()))
      Files.push_back(It->path());
  std::sort(Files.begin(), Files.end());
  return Files;
}

/// zstd frames as the cache writes them (they record their size), and back.
inline std::string zstdDecompress(llvm::StringRef Bytes) {
  std::vector<uint8_t> Out(16u << 20);
  size_t Size = Out.size();
  if (llvm::Error E = llvm::compression::zstd::decompress(llvm::arrayRefFromStringRef(Bytes),
                                                          Out.data(), Size)) {
    llvm::consumeError(std::move(E));
    return {};
  }
  return std::string(reinterpret_cast<const char *>(Out.data()), Size);
}
inline std::string zstdCompress(llvm::StringRef Text) {
  llvm::SmallVector<uint8_t, 0> Out;
  llvm::compression::zstd::compress(llvm::arrayRefFromStringRef(Text), Out);
  return std::string(reinterpret_cast<const char *>(Out.data()), Out.size());
}

} // namespace sa::testing
