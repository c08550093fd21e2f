// Path canonicalisation and the project's notion of "our code".
//
// Every location that reaches facts goes through here: `a/../x.h`, `./x.h` and a symlink to
// x.h are one file, and reports name files relative to the project root with '/' separators.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace sa {

/// Absolute, dot-free path with symlinks resolved (when the file exists). Relative paths are
/// taken relative to `Base` (the current directory when empty).
std::string canonicalPath(llvm::StringRef Path, llvm::StringRef Base = {});

/// Absolute and dot-free, as spelled: symlinks are not resolved (the path a user or a compile
/// database wrote, to compare with the canonical one).
std::string spelledPath(llvm::StringRef Path, llvm::StringRef Base = {});

/// True when `Path` is `Dir` or lies below it (both canonical).
bool isWithin(llvm::StringRef Path, llvm::StringRef Dir);

/// Brace expansions a glob may have ("{a,b}{c,d}" has 4): `{a,b}` repeated 30 times would
/// otherwise expand to a billion patterns.
inline constexpr size_t MaxGlobSubPatterns = 1024;

/// The project root and what is excluded from it. All paths canonical.
class ProjectPaths {
public:
  ProjectPaths() = default;
  /// `ExcludedGlobs` match root-relative paths ('*' also matches '/'); a pattern without
  /// wildcards also excludes everything below it ("third_party" = "third_party/*").
  ProjectPaths(std::string Root, std::vector<std::string> ExcludedDirs,
               std::vector<std::string> ExcludedGlobs = {});

  const std::string &root() const { return Root; }
  const std::vector<std::string> &excludedDirs() const { return Excluded; }
  const std::vector<std::string> &excludedGlobs() const { return Globs; }

  /// Root-relative '/'-separated path of a canonical file path, or nullopt when the file is
  /// outside the root or in an excluded directory: code that is not the project's own.
  std::optional<std::string> projectRelative(llvm::StringRef CanonicalFile) const;

  /// Root-relative path when inside the root, else the path unchanged (for messages).
  std::string display(llvm::StringRef CanonicalFile) const;

  /// Absolute path of a root-relative path from facts.
  std::string absolute(llvm::StringRef Relative) const;

private:
  std::string Root;
  std::vector<std::string> Excluded;
  std::vector<std::string> Globs;
};

/// The top of the git work tree holding `Start` (a file or directory), if any.
std::optional<std::string> gitWorkTree(llvm::StringRef Start);

/// The root used when none is given: the top of the git work tree holding `Start`, else `Start`
/// itself when it is a directory, else its parent.
std::string guessProjectRoot(llvm::StringRef Start);

} // namespace sa
