#include "driver/CacheDirectory.h"

#include "support/Output.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cerrno>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace sa {

namespace {

constexpr llvm::StringLiteral MarkerName = "CACHEDIR.TAG";
// https://bford.info/cachedir/: the signature line makes backup tools skip the directory; the
// second line is what tells a state-audit cache from another tool's.
constexpr llvm::StringLiteral Marker =
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by state-audit.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n";

llvm::Error refused(const std::string &Dir, const llvm::Twine &Why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "cannot use cache directory '" + Dir + "': " + Why +
                                     "; give --cache-dir a directory of your own, or --no-cache");
}

std::string octal(unsigned Mode) {
  return "0" + llvm::utostr(Mode >> 6 & 7) + llvm::utostr(Mode >> 3 & 7) + llvm::utostr(Mode & 7);
}

/// The names the cache itself puts at the top of its directory, and their temporary files.
bool isOwnTopLevelName(llvm::StringRef Name) {
  for (llvm::StringRef Own : {llvm::StringRef(MarkerName), llvm::StringRef("secret"),
                              llvm::StringRef("last-prune")})
    if (Name == Own || isCacheTempName(Name, Own))
      return true;
  llvm::StringRef Version = Name;
  unsigned Format;
  return Version.consume_front("v") && !Version.getAsInteger(10, Format);
}

bool isMarked(const std::string &Dir) {
  llvm::SmallString<256> P(Dir);
  path::append(P, MarkerName);
  std::unique_ptr<llvm::MemoryBuffer> B = readCacheFile(std::string(P));
  return B && B->getBuffer().starts_with(Marker.take_front(Marker.find("\n# For")));
}

/// The first name (in order) in `Dir` that the cache does not use, or "".
std::string foreignEntry(const std::string &Dir) {
  std::vector<std::string> Foreign;
  std::error_code EC;
  for (fs::directory_iterator It(Dir, EC, /*follow_symlinks=*/false), End; It != End && !EC;
       It.increment(EC)) {
    llvm::StringRef Name = path::filename(It->path());
    if (!isOwnTopLevelName(Name))
      Foreign.push_back(Name.str());
  }
  if (EC)
    return "(unreadable: " + EC.message() + ")";
  return Foreign.empty() ? std::string() : *std::min_element(Foreign.begin(), Foreign.end());
}

/// Makes one directory of the cache, replacing what is in its way but a directory.
bool makeOne(const std::string &P) {
  for (int Attempt = 0; Attempt < 3; ++Attempt) {
    struct stat St;
    if (::lstat(P.c_str(), &St) == 0) {
      if (S_ISDIR(St.st_mode))
        return true;
      if (::unlink(P.c_str()) != 0 && errno != ENOENT)
        return false; // replaced, never followed
    }
    if (::mkdir(P.c_str(), 0700) == 0)
      return true;
    if (errno != EEXIST)
      return false; // another scan may have made it: look again
  }
  return false;
}

} // namespace

bool isCacheTempName(llvm::StringRef Name, llvm::StringRef Of) {
  // fs::TempFile's "%%%%%%" pattern: six characters of [0-9a-f].
  if (!Name.consume_front(Of) || !Name.consume_front("-") || !Name.consume_back(".tmp"))
    return false;
  return Name.size() == 6 && Name.find_first_not_of("0123456789abcdef") == llvm::StringRef::npos;
}

bool isCacheKeyName(llvm::StringRef Name, llvm::StringRef Directory) {
  return Name.size() == 40 && Name.starts_with(Directory) && Directory.size() == 2 &&
         Name.find_first_not_of("0123456789abcdef") == llvm::StringRef::npos;
}

llvm::Error claimCacheDirectory(const std::string &Dir) {
  fs::file_status St;
  std::error_code EC = fs::status(Dir, St, /*follow=*/true);
  if (EC == std::errc::no_such_file_or_directory) {
    if ((EC = fs::create_directories(Dir, /*IgnoreExisting=*/true, fs::owner_all)))
      return refused(Dir, "cannot create it: " + EC.message());
    EC = fs::status(Dir, St, /*follow=*/true);
  }
  if (EC)
    return refused(Dir, EC.message());
  if (St.type() != fs::file_type::directory_file)
    return refused(Dir, "not a directory");
  if (St.getUser() != ::geteuid())
    return refused(Dir, "it belongs to another user (uid " + llvm::Twine(St.getUser()) +
                            "), who could sign entries that hide findings");
  if (St.permissions() & (fs::group_write | fs::others_write))
    return refused(Dir, "others may write it (mode " + octal(St.permissions()) +
                            "), and could plant entries there");
  if (isMarked(Dir))
    return llvm::Error::success();
  std::string Foreign = foreignEntry(Dir);
  if (!Foreign.empty())
    return refused(Dir, "not a state-audit cache: it holds '" + Foreign + "' and no " +
                            MarkerName + ", and the cache removes old files from its directory");
  llvm::SmallString<256> P(Dir);
  path::append(P, MarkerName);
  // Best effort: a read-only cache of an earlier version is still used.
  llvm::consumeError(writeFileAtomically(P, Marker));
  return llvm::Error::success();
}

llvm::Error checkCacheSecret(const std::string &Path) {
  struct stat St;
  if (::lstat(Path.c_str(), &St) != 0)
    return llvm::Error::success(); // the first scan makes it
  std::string Dir = path::parent_path(Path).str();
  if (!S_ISREG(St.st_mode))
    return refused(Dir, "its 'secret' is not a regular file; remove it, a new one is made");
  if (St.st_uid != ::geteuid())
    return refused(Dir, "its 'secret' belongs to another user (uid " + llvm::Twine(St.st_uid) +
                            "), who could sign entries that hide findings");
  if (St.st_mode & 077)
    return refused(Dir, "others may read or write its 'secret' (mode " +
                            octal(St.st_mode & 0777) +
                            "); remove it, a new one is made and the cache is rebuilt");
  return llvm::Error::success();
}

bool makeCacheDirectories(const std::string &Dir, llvm::ArrayRef<std::string> Below) {
  llvm::SmallString<256> P(Dir);
  for (const std::string &Part : Below) {
    path::append(P, Part);
    if (!makeOne(std::string(P)))
      return false;
  }
  return true;
}

bool areCacheDirectories(const std::string &Dir, llvm::ArrayRef<std::string> Below) {
  llvm::SmallString<256> P(Dir);
  for (const std::string &Part : Below) {
    path::append(P, Part);
    struct stat St;
    if (::lstat(P.c_str(), &St) != 0 || !S_ISDIR(St.st_mode))
      return false;
  }
  return true;
}

std::unique_ptr<llvm::MemoryBuffer> readCacheFile(const std::string &Path) {
  int FD = ::open(Path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (FD < 0)
    return nullptr;
  struct stat St;
  std::unique_ptr<llvm::MemoryBuffer> Buffer;
  if (::fstat(FD, &St) == 0 && S_ISREG(St.st_mode))
    if (auto B = llvm::MemoryBuffer::getOpenFile(FD, Path, St.st_size,
                                                 /*RequiresNullTerminator=*/false))
      Buffer = std::move(*B);
  ::close(FD);
  return Buffer;
}

bool isCacheFile(const std::string &Path) {
  struct stat St;
  return ::lstat(Path.c_str(), &St) == 0 && S_ISREG(St.st_mode);
}

void touchCacheFile(const std::string &Path) {
  // Best effort: a read-only cache is still usable, it only ages.
  (void)::utimensat(AT_FDCWD, Path.c_str(), nullptr, AT_SYMLINK_NOFOLLOW);
}

} // namespace sa
