// file-write: writes to the local filesystem. Opening for writing or appending (fopen/freopen/
// fdopen with w, a or +; ofstream, fstream and filebuf opened for output; open/openat/creat
// with a writing flag) and calls that change the filesystem (rename, remove, unlink, mkdir,
// rmdir, truncate, link/symlink, mkstemp, chmod, and the std::filesystem mutations). Reading
// is not a finding; a mode that cannot be determined is reported as such.
#pragma once

#include "model/Check.h"

#include <map>
#include <optional>
#include <string>

namespace sa {

class FileWriteCheck : public Check {
public:
  using Check::Check;
  void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  struct Mode {
    bool Known = false;
    bool Writes = false;
    bool Append = false;
    std::string Text;
  };
  Mode stdioMode(const clang::Expr *E);
  Mode streamMode(const clang::Expr *E, llvm::StringRef StreamClass);
  Mode openFlags(const clang::Expr *E, bool AlwaysWrites);
  void recordPersistence(const clang::ast_matchers::MatchFinder::MatchResult &Result,
                         const clang::CallExpr *Call, const clang::FunctionDecl *F,
                         const clang::FunctionDecl *Fn, llvm::StringRef HolderName);
  void record(const clang::ast_matchers::MatchFinder::MatchResult &Result,
              const clang::Stmt *Call, const clang::FunctionDecl *Fn, std::string Api,
              FileOpKind Kind, const Mode &M, const clang::Expr *PathArg,
              llvm::StringRef HolderName, std::string Store = {}, std::string Handle = {});
  /// The state that keeps the handle an open hands back through argument `Arg` (`&g_db`,
  /// `&db_`), or empty: a local handle, or none.
  std::string handleState(const clang::CallExpr *Call, int Arg);
};

} // namespace sa
