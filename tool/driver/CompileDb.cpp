#include "driver/CompileDb.h"

#include "support/Paths.h"
#include "support/Untrusted.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/StringSaver.h"

#include <algorithm>

namespace path = llvm::sys::path;

namespace sa {

namespace {

llvm::Error error(llvm::StringRef Path, const llvm::Twine &Message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (Path + ": " + Message).str());
}

} // namespace

namespace {

constexpr unsigned MaxResponseDepth = 16;

void expandInto(llvm::StringRef Arg, llvm::StringRef Directory, unsigned Depth,
                std::vector<std::string> &Active, ResponseExpansion &Out, bool FromFile) {
  auto Keep = [&](llvm::StringRef A) {
    Out.arguments.push_back(A.str());
    if (FromFile)
      Out.fromFiles.push_back(A.str());
  };
  if (!Arg.starts_with("@") || Arg.size() == 1) {
    Keep(Arg);
    return;
  }
  std::string File = canonicalPath(Arg.drop_front(), Directory);
  if (std::find(Active.begin(), Active.end(), File) != Active.end() ||
      Depth >= MaxResponseDepth) {
    Out.problems.push_back("response file '" + File + "' includes itself (cyclic); " +
                           "its arguments are left out");
    return;
  }
  if (!llvm::sys::fs::exists(File)) {
    Out.problems.push_back("response file '" + File + "' does not exist; its arguments are "
                           "missing");
    Keep(Arg);
    return;
  }
  if (!llvm::sys::fs::is_regular_file(File)) {
    Out.problems.push_back("response file '" + File + "' is not a regular file; not read");
    Keep(Arg);
    return;
  }
  auto Buffer = llvm::MemoryBuffer::getFile(File, /*IsText=*/true);
  if (!Buffer) {
    Out.problems.push_back("response file '" + File + "' cannot be read: " +
                           Buffer.getError().message());
    Keep(Arg);
    return;
  }
  if (std::find(Out.files.begin(), Out.files.end(), File) == Out.files.end())
    Out.files.push_back(File);
  llvm::BumpPtrAllocator Alloc;
  llvm::StringSaver Saver(Alloc);
  llvm::SmallVector<const char *, 64> Argv;
  llvm::cl::TokenizeGNUCommandLine((*Buffer)->getBuffer(), Saver, Argv);
  Active.push_back(File);
  for (const char *A : Argv)
    if (A)
      expandInto(A, Directory, Depth + 1, Active, Out, /*FromFile=*/true);
  Active.pop_back();
}

} // namespace

ResponseExpansion expandResponseFiles(const std::vector<std::string> &Args,
                                      llvm::StringRef Directory) {
  ResponseExpansion Out;
  std::vector<std::string> Active;
  for (const std::string &A : Args)
    expandInto(A, Directory, 0, Active, Out, /*FromFile=*/false);
  return Out;
}

llvm::Expected<std::vector<CompileCommand>> parseCompileDatabase(llvm::StringRef Content,
                                                                 llvm::StringRef Path) {
  llvm::Expected<llvm::json::Value> Parsed = parseUntrustedJson(Content);
  if (!Parsed)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   (Path + ":" + llvm::toString(Parsed.takeError())).str());
  const llvm::json::Array *Entries = Parsed->getAsArray();
  if (!Entries)
    return error(Path, "expected a JSON array of compile commands");

  llvm::SmallString<256> DbDir(canonicalPath(Path));
  path::remove_filename(DbDir);

  std::vector<CompileCommand> Commands;
  llvm::StringSet<> Seen;
  for (size_t I = 0; I < Entries->size(); ++I) {
    std::string Where = "entry " + std::to_string(I + 1);
    const llvm::json::Object *E = (*Entries)[I].getAsObject();
    if (!E)
      return error(Path, Where + ": expected an object");
    std::optional<llvm::StringRef> Dir = E->getString("directory");
    std::optional<llvm::StringRef> File = E->getString("file");
    if (!Dir)
      return error(Path, Where + ": missing \"directory\" (a string)");
    if (!File)
      return error(Path, Where + ": missing \"file\" (a string)");

    CompileCommand C;
    // A relative directory is relative to the database's own location.
    C.directory = canonicalPath(*Dir, DbDir);
    C.file = canonicalPath(*File, C.directory);
    C.spelledFile = spelledPath(*File, C.directory);

    if (const llvm::json::Array *Args = E->getArray("arguments")) {
      for (const llvm::json::Value &A : *Args) {
        std::optional<llvm::StringRef> S = A.getAsString();
        if (!S)
          return error(Path, Where + ": \"arguments\" must be an array of strings");
        C.arguments.push_back(S->str());
      }
    } else if (std::optional<llvm::StringRef> Command = E->getString("command")) {
      llvm::BumpPtrAllocator Alloc;
      llvm::StringSaver Saver(Alloc);
      llvm::SmallVector<const char *, 64> Argv;
      llvm::cl::TokenizeGNUCommandLine(*Command, Saver, Argv);
      C.arguments.assign(Argv.begin(), Argv.end());
    } else {
      return error(Path, Where + ": needs \"arguments\" (an array) or \"command\" (a string)");
    }
    if (C.arguments.empty())
      return error(Path, Where + ": the command is empty");
    ResponseExpansion X = expandResponseFiles(C.arguments, C.directory);
    C.arguments = std::move(X.arguments);
    C.responseFiles = std::move(X.files);
    C.fromResponseFiles = std::move(X.fromFiles);
    C.problems = std::move(X.problems);

    if (!Seen.insert(C.file).second)
      continue; // the same TU listed twice (several targets, or a merged database)
    Commands.push_back(std::move(C));
  }
  return Commands;
}

llvm::Expected<std::vector<CompileCommand>> loadCompileDatabase(llvm::StringRef Path) {
  llvm::sys::fs::file_status St;
  if (!llvm::sys::fs::status(Path, St) && St.type() != llvm::sys::fs::file_type::regular_file)
    return error(Path, "not a regular file");
  auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buffer)
    return error(Path, "cannot read: " + Buffer.getError().message());
  return parseCompileDatabase((*Buffer)->getBuffer(), Path);
}

std::string findCompileDatabase(llvm::StringRef Start) {
  llvm::SmallString<256> Dir(canonicalPath(Start));
  if (!llvm::sys::fs::is_directory(Dir))
    path::remove_filename(Dir);
  for (llvm::StringRef D = Dir; !D.empty(); D = path::parent_path(D)) {
    llvm::SmallString<256> Candidate(D);
    path::append(Candidate, "compile_commands.json");
    if (llvm::sys::fs::is_regular_file(Candidate))
      return std::string(Candidate);
  }
  return {};
}

} // namespace sa
