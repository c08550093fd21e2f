#include "driver/CompileDb.h"

#include "support/Paths.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/StringSaver.h"

namespace path = llvm::sys::path;

namespace sa {

namespace {

llvm::Error error(llvm::StringRef Path, const llvm::Twine &Message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (Path + ": " + Message).str());
}

/// Line and column of a byte offset, for JSON syntax errors.
std::pair<unsigned, unsigned> lineColumn(llvm::StringRef Text, size_t Offset) {
  unsigned Line = 1, Col = 1;
  for (size_t I = 0; I < Offset && I < Text.size(); ++I) {
    if (Text[I] == '\n') {
      ++Line;
      Col = 1;
    } else {
      ++Col;
    }
  }
  return {Line, Col};
}

} // namespace

std::vector<std::string> expandResponseFiles(const std::vector<std::string> &Args,
                                             llvm::StringRef Directory) {
  bool Any = false;
  for (const std::string &A : Args)
    Any |= llvm::StringRef(A).starts_with("@");
  if (!Any)
    return Args;
  llvm::BumpPtrAllocator Alloc;
  llvm::StringSaver Saver(Alloc);
  llvm::SmallVector<const char *, 64> Argv;
  for (const std::string &A : Args)
    Argv.push_back(Saver.save(A).data());
  llvm::cl::ExpansionContext Expander(Alloc, llvm::cl::TokenizeGNUCommandLine);
  Expander.setCurrentDir(Directory);
  if (llvm::Error E = Expander.expandResponseFiles(Argv)) {
    // A missing or cyclic response file leaves the arguments as they were; the @file that
    // remains is dropped later as an argument clang cannot use.
    llvm::consumeError(std::move(E));
    return Args;
  }
  return std::vector<std::string>(Argv.begin(), Argv.end());
}

llvm::Expected<std::vector<CompileCommand>> parseCompileDatabase(llvm::StringRef Content,
                                                                 llvm::StringRef Path) {
  llvm::Expected<llvm::json::Value> Parsed = llvm::json::parse(Content);
  if (!Parsed) {
    std::string Message;
    size_t Offset = 0;
    llvm::handleAllErrors(Parsed.takeError(), [&](const llvm::json::ParseError &E) {
      // ParseError's message reads "[line:col, byte=N]: what"; we print the position in the
      // compiler's "file:line:col:" style instead.
      std::string Full = E.message();
      llvm::StringRef M = Full;
      size_t ByteAt = M.find("byte=");
      if (ByteAt != llvm::StringRef::npos)
        M.drop_front(ByteAt + 5)
            .take_while([](char C) { return isdigit(C); })
            .getAsInteger(10, Offset);
      size_t Close = M.find("]: ");
      Message = (Close != llvm::StringRef::npos ? M.drop_front(Close + 3) : M).str();
    });
    auto [Line, Col] = lineColumn(Content, Offset);
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   (Path + ":" + llvm::Twine(Line) + ":" + llvm::Twine(Col) +
                                    ": not valid JSON: " + Message)
                                       .str());
  }
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
    C.arguments = expandResponseFiles(C.arguments, C.directory);

    if (!Seen.insert(C.file).second)
      continue; // the same TU listed twice (several targets, or a merged database)
    Commands.push_back(std::move(C));
  }
  return Commands;
}

llvm::Expected<std::vector<CompileCommand>> loadCompileDatabase(llvm::StringRef Path) {
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
