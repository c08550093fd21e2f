// Writing results. A regular file is replaced atomically (a temporary file beside it, renamed
// into place once complete) so a CI job never reads half a report. What is not a regular file
// is written directly: a FIFO or a character device (`-o /dev/stdout`, `-o >(cmd)`, which is
// `/dev/fd/N`) must receive the report, not be replaced by a file. A symlink is followed to
// its target: the link stays, the file it names gets the report.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <functional>

namespace llvm {
class raw_ostream;
}

namespace sa {

/// Writes to `Path` ("-" or an empty path: standard output). Any write error (a full disk, a
/// closed pipe) comes back as an Error, never as a fatal "LLVM ERROR".
llvm::Error writeOutput(llvm::StringRef Path,
                        const std::function<void(llvm::raw_ostream &)> &Write);

/// Writes a regular file atomically at exactly `Path`: a symlink there is replaced, not
/// followed (for files in directories other processes may write, such as the cache).
llvm::Error writeFileAtomically(llvm::StringRef Path, llvm::StringRef Contents);

/// True when both name the same existing file (after symlinks and hard links).
bool sameExistingFile(llvm::StringRef A, llvm::StringRef B);

/// How messages name an output path: "standard output" for "-" and "".
std::string outputName(llvm::StringRef Path);

/// `Text` safe to show on a terminal, as clang shows source: control characters (C0 but tab,
/// DEL, C1) become "<U+001B>", bytes that are not UTF-8 "<FF>". A file name or a source line
/// then cannot clear the screen, retitle the terminal or write to the clipboard. Newlines
/// are kept only when asked (a message of several lines).
std::string printable(llvm::StringRef Text, bool KeepNewlines = false);

/// "1 error", "2 errors": a count with the word that agrees with it.
std::string plural(size_t N, llvm::StringRef One, llvm::StringRef Many);

/// How many characters `Text` shows as (UTF-8 code points).
size_t displayedLength(llvm::StringRef Text);

} // namespace sa
