#include "support/Paths.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/Path.h"

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace sa {

namespace {
/// `P` made absolute against `Base` (the current directory when empty), nothing else.
llvm::SmallString<256> absolute(llvm::StringRef P, llvm::StringRef Base) {
  llvm::SmallString<256> Abs(P);
  if (path::is_absolute(Abs))
    return Abs;
  llvm::SmallString<256> Dir(Base);
  if (Dir.empty())
    fs::current_path(Dir);
  path::append(Dir, Abs);
  return Dir;
}
} // namespace

std::string spelledPath(llvm::StringRef P, llvm::StringRef Base) {
  llvm::SmallString<256> Abs = absolute(P, Base);
  path::remove_dots(Abs, /*remove_dot_dot=*/true);
  return std::string(Abs);
}

std::string canonicalPath(llvm::StringRef P, llvm::StringRef Base) {
  llvm::SmallString<256> Abs = absolute(P, Base);
  // Symlinks first: "/lib/gcc/x/12/../../../../include" means /usr/include when /lib links to
  // /usr/lib, and only the file system knows. Lexical clean-up is for paths that do not exist.
  llvm::SmallString<256> Real;
  if (!fs::real_path(Abs, Real))
    return std::string(Real);
  path::remove_dots(Abs, /*remove_dot_dot=*/true);
  return std::string(Abs);
}

bool isWithin(llvm::StringRef P, llvm::StringRef Dir) {
  if (Dir.empty() || !P.starts_with(Dir))
    return false;
  if (P.size() == Dir.size())
    return true;
  return Dir.ends_with("/") || P[Dir.size()] == '/';
}

ProjectPaths::ProjectPaths(std::string R, std::vector<std::string> Ex,
                           std::vector<std::string> G)
    : Root(std::move(R)), Excluded(std::move(Ex)), Globs(std::move(G)) {}

std::optional<std::string> ProjectPaths::projectRelative(llvm::StringRef File) const {
  if (!isWithin(File, Root))
    return std::nullopt;
  for (const std::string &E : Excluded)
    if (isWithin(File, E))
      return std::nullopt;
  llvm::StringRef Rel = File.drop_front(Root.size());
  Rel = Rel.ltrim('/');
  std::string Slashed = path::convert_to_slash(Rel);
  for (const std::string &G : Globs) {
    llvm::StringRef Pattern = llvm::StringRef(G).rtrim('/');
    if (isWithin(Slashed, Pattern))
      return std::nullopt;
    if (auto Compiled = llvm::GlobPattern::create(Pattern, MaxGlobSubPatterns)) {
      if (Compiled->match(Slashed))
        return std::nullopt;
    } else {
      llvm::consumeError(Compiled.takeError());
    }
  }
  return Slashed;
}

std::string ProjectPaths::display(llvm::StringRef File) const {
  if (isWithin(File, Root) && File.size() > Root.size())
    return path::convert_to_slash(File.drop_front(Root.size()).ltrim('/'));
  return std::string(File);
}

std::string ProjectPaths::absolute(llvm::StringRef Rel) const {
  if (path::is_absolute(Rel))
    return std::string(Rel);
  llvm::SmallString<256> P(Root);
  path::append(P, Rel);
  return std::string(P);
}

std::optional<std::string> gitWorkTree(llvm::StringRef Start) {
  llvm::SmallString<256> Dir(canonicalPath(Start));
  if (!fs::is_directory(Dir))
    path::remove_filename(Dir);
  for (llvm::StringRef D = Dir; !D.empty(); D = path::parent_path(D)) {
    llvm::SmallString<256> Git(D);
    path::append(Git, ".git");
    if (fs::exists(Git))
      return std::string(D);
  }
  return std::nullopt;
}

std::string guessProjectRoot(llvm::StringRef Start) {
  if (std::optional<std::string> Git = gitWorkTree(Start))
    return *Git;
  llvm::SmallString<256> Dir(canonicalPath(Start));
  if (!fs::is_directory(Dir))
    path::remove_filename(Dir);
  return std::string(Dir);
}

} // namespace sa
