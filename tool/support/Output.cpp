#include "support/Output.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace sa {

namespace {

llvm::Error ioError(std::error_code EC) { return llvm::errorCodeToError(EC); }

/// Flushes and turns a stream error into an Error; the error is cleared so the stream's
/// destructor does not abort the process with "IO failure on output stream".
llvm::Error finish(llvm::raw_fd_ostream &OS) {
  OS.flush();
  if (OS.has_error()) {
    std::error_code EC = OS.error();
    OS.clear_error();
    return ioError(EC);
  }
  return llvm::Error::success();
}

/// The descriptor a path names when it is one of the process's own: /dev/stdout, /dev/stderr,
/// /dev/fd/N, /proc/self/fd/N. Writing to the descriptor keeps its offset and mode (a `>>`
/// redirection appends), where opening the path would truncate what stdout points to.
std::optional<int> ownDescriptor(llvm::StringRef P) {
  if (P == "/dev/stdout")
    return 1;
  if (P == "/dev/stderr")
    return 2;
  for (llvm::StringRef Prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    if (!P.starts_with(Prefix))
      continue;
    unsigned N;
    if (P.drop_front(Prefix.size()).getAsInteger(10, N))
      return std::nullopt;
    if (fcntl(static_cast<int>(N), F_GETFD) == -1)
      return std::nullopt; // not open here: let the open fail with its own message
    return static_cast<int>(N);
  }
  return std::nullopt;
}

/// Follows symlinks at `P` to the path they finally name (which need not exist yet).
llvm::Expected<std::string> followLinks(llvm::StringRef P) {
  std::string Current = P.str();
  for (int Hops = 0; Hops < 40; ++Hops) {
    fs::file_status St;
    if (fs::status(Current, St, /*follow=*/false) || St.type() != fs::file_type::symlink_file)
      return Current;
    char Buf[4096];
    ssize_t N = ::readlink(Current.c_str(), Buf, sizeof Buf - 1);
    if (N < 0)
      return ioError(std::error_code(errno, std::generic_category()));
    llvm::StringRef Link(Buf, static_cast<size_t>(N));
    llvm::SmallString<256> Next;
    if (path::is_absolute(Link)) {
      Next = Link;
    } else {
      Next = path::parent_path(Current);
      path::append(Next, Link);
    }
    Current = std::string(Next);
  }
  return ioError(std::make_error_code(std::errc::too_many_symbolic_link_levels));
}

llvm::Error writeToDescriptor(int FD, const std::function<void(llvm::raw_ostream &)> &Write) {
  int Copy = ::dup(FD);
  if (Copy < 0)
    return ioError(std::error_code(errno, std::generic_category()));
  llvm::raw_fd_ostream OS(Copy, /*shouldClose=*/true, /*unbuffered=*/false);
  Write(OS);
  return finish(OS);
}

/// Whether `Name` is one of writeAtomically's temporary files for the file named `Of`:
/// fs::TempFile's "%%%%%%" is six characters of [0-9a-f].
bool isOwnTempName(llvm::StringRef Name, llvm::StringRef Of) {
  if (!Name.consume_front(Of) || !Name.consume_front("-") || !Name.consume_back(".tmp"))
    return false;
  return Name.size() == 6 && Name.find_first_not_of("0123456789abcdef") == llvm::StringRef::npos;
}

/// Removes the temporary files an earlier write of `Target` left when it was killed (SIGKILL
/// cannot be caught): named by our pattern, regular files of this user, untouched for an
/// hour. A write in progress modifies its file as it goes, so it is never one of them.
void removeAbandonedTemps(llvm::StringRef Target) {
  llvm::StringRef Parent = path::parent_path(Target);
  std::string Dir = Parent.empty() ? std::string(".") : Parent.str();
  llvm::StringRef Of = path::filename(Target);
  time_t Now = ::time(nullptr);
  std::error_code EC;
  for (fs::directory_iterator It(Dir, EC), End; It != End && !EC; It.increment(EC)) {
    if (!isOwnTempName(path::filename(It->path()), Of))
      continue;
    struct stat St;
    if (::lstat(It->path().c_str(), &St) == 0 && S_ISREG(St.st_mode) &&
        St.st_uid == ::geteuid() && Now - St.st_mtime > 3600)
      ::unlink(It->path().c_str());
  }
}

/// A temporary file beside `Target`, renamed over it when complete; the old file's
/// permissions are kept.
llvm::Error writeAtomically(llvm::StringRef Target,
                            const std::function<void(llvm::raw_ostream &)> &Write) {
  removeAbandonedTemps(Target);
  llvm::Expected<fs::TempFile> Temp =
      fs::TempFile::create(Target + "-%%%%%%.tmp", fs::all_read | fs::all_write);
  if (!Temp)
    return Temp.takeError();
  fs::file_status Old;
  if (!fs::status(Target, Old, /*follow=*/false) && Old.type() == fs::file_type::regular_file)
    fs::setPermissions(Temp->FD, Old.permissions());
  llvm::Error Written = [&] {
    llvm::raw_fd_ostream OS(Temp->FD, /*shouldClose=*/false);
    Write(OS);
    return finish(OS);
  }();
  if (Written) {
    llvm::consumeError(Temp->discard());
    return Written;
  }
  return Temp->keep(Target);
}

} // namespace

std::string plural(size_t N, llvm::StringRef One, llvm::StringRef Many) {
  return std::to_string(N) + " " + (N == 1 ? One : Many).str();
}

std::string outputName(llvm::StringRef Path) {
  return Path.empty() || Path == "-" ? std::string("standard output") : "'" + Path.str() + "'";
}

llvm::Error writeOutput(llvm::StringRef Path,
                        const std::function<void(llvm::raw_ostream &)> &Write) {
  if (Path.empty() || Path == "-") {
    Write(llvm::outs());
    return finish(llvm::outs());
  }
  if (std::optional<int> FD = ownDescriptor(Path))
    return writeToDescriptor(*FD, Write);
  llvm::Expected<std::string> Target = followLinks(Path);
  if (!Target)
    return Target.takeError();
  if (std::optional<int> FD = ownDescriptor(*Target))
    return writeToDescriptor(*FD, Write);
  fs::file_status St;
  bool Exists = !fs::status(*Target, St, /*follow=*/true);
  if (Exists && St.type() == fs::file_type::directory_file)
    return ioError(std::make_error_code(std::errc::is_a_directory));
  if (Exists && St.type() != fs::file_type::regular_file) {
    // A FIFO, a character device, a socket: open it and write, never replace it.
    int FD = ::open(Target->c_str(), O_WRONLY | O_CLOEXEC);
    if (FD < 0)
      return ioError(std::error_code(errno, std::generic_category()));
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true, /*unbuffered=*/false);
    Write(OS);
    return finish(OS);
  }
  return writeAtomically(*Target, Write);
}

llvm::Error writeFileAtomically(llvm::StringRef Path, llvm::StringRef Contents) {
  return writeAtomically(Path, [&](llvm::raw_ostream &OS) { OS << Contents; });
}

std::string printable(llvm::StringRef Text, bool KeepNewlines) {
  std::string Out;
  Out.reserve(Text.size());
  auto Escape = [&](unsigned CodePoint, unsigned Digits) {
    Out += (Digits == 2 ? "<" : "<U+") + llvm::utohexstr(CodePoint, /*LowerCase=*/false, Digits) +
           ">";
  };
  for (size_t I = 0; I < Text.size();) {
    auto C = static_cast<unsigned char>(Text[I]);
    if (C < 0x80) {
      bool Control = (C < 0x20 && C != '\t' && !(KeepNewlines && C == '\n')) || C == 0x7f;
      if (Control)
        Escape(C, 4);
      else
        Out += static_cast<char>(C);
      ++I;
      continue;
    }
    unsigned N = llvm::getNumBytesForUTF8(C);
    auto *Start = reinterpret_cast<const llvm::UTF8 *>(Text.data() + I);
    if (I + N > Text.size() || !llvm::isLegalUTF8Sequence(Start, Start + N)) {
      Escape(C, 2);
      ++I;
      continue;
    }
    auto Second = static_cast<unsigned char>(Text[I + 1]);
    if (C == 0xC2 && Second < 0xA0) // U+0080..U+009F, the C1 controls
      Escape(Second, 4);
    else
      Out.append(Text.data() + I, N);
    I += N;
  }
  return Out;
}

size_t displayedLength(llvm::StringRef Text) {
  return llvm::count_if(Text, [](char C) { return (static_cast<unsigned char>(C) & 0xC0) != 0x80; });
}

bool sameExistingFile(llvm::StringRef A, llvm::StringRef B) {
  bool Same = false;
  return !fs::equivalent(A, B, Same) && Same;
}

} // namespace sa
