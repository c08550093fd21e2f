// The facts cache's directory and what the cache may do in it. `--cache-dir` may name any
// directory, and a restored CI cache may hold whatever an earlier job put there, so the cache
// - uses a directory only when it made it or it is marked as a state-audit cache
//   (CACHEDIR.TAG, the cache-directory tag backup tools know), or it holds nothing but the
//   cache's own names (an empty directory, a cache of an earlier version);
// - refuses one another user owns or others may write (whoever can write it can plant
//   entries), and a secret file another user owns or others may read;
// - never follows a symbolic link below the directory: files are opened with O_NOFOLLOW, a
//   link in place of one of its directories is replaced when writing and a miss when reading;
// - removes only files named by its own scheme (docs/trust-model.md).
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>

namespace sa {

/// Makes `Dir` (mode 0700) when it does not exist, else checks that it can be this user's
/// cache; marks it either way. The error says why it is refused.
llvm::Error claimCacheDirectory(const std::string &Dir);

/// Checks the secret the cache signs with, when it exists: a regular file of this user that
/// nobody else may read or write.
llvm::Error checkCacheSecret(const std::string &Path);

/// `Dir`/`Below[0]`/`Below[1]`/...: each made (0700) when missing, a symbolic link or a file in
/// its place replaced by a directory. False when one cannot be made.
bool makeCacheDirectories(const std::string &Dir, llvm::ArrayRef<std::string> Below);

/// True when `Dir`/`Below[0]`/... are all directories, none of them a symbolic link.
bool areCacheDirectories(const std::string &Dir, llvm::ArrayRef<std::string> Below);

/// The contents of a regular file, not read through a symbolic link; null otherwise.
std::unique_ptr<llvm::MemoryBuffer> readCacheFile(const std::string &Path);

/// True when `Path` is a regular file (a symbolic link is not).
bool isCacheFile(const std::string &Path);

/// Sets a file's modification time to now, not through a symbolic link.
void touchCacheFile(const std::string &Path);

/// The names the cache gives its files: a key (40 lowercase hex digits) in the directory named
/// by its first two, and the temporary files written beside one ("<key>-XXXXXX.tmp").
bool isCacheKeyName(llvm::StringRef Name, llvm::StringRef Directory);
bool isCacheTempName(llvm::StringRef Name, llvm::StringRef Of);

} // namespace sa
