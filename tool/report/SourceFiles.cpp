#include "report/SourceFiles.h"

#include "report/LineHash.h"

#include "llvm/Support/ConvertUTF.h"

namespace sa {

std::optional<llvm::StringRef> SourceFiles::contents(const std::string &File) {
  auto &Buffer = Buffers[File];
  if (!Buffer) {
    auto B = llvm::MemoryBuffer::getFile(Paths.absolute(File), /*IsText=*/true);
    if (!B)
      return std::nullopt;
    Buffer = std::move(*B);
  }
  return Buffer->getBuffer();
}

llvm::StringRef SourceFiles::line(const std::string &File, unsigned Line) {
  std::optional<llvm::StringRef> Text = contents(File);
  if (!Text || Line == 0)
    return {};
  llvm::StringRef T = *Text;
  for (unsigned I = 1; I < Line; ++I) {
    size_t NL = T.find('\n');
    if (NL == llvm::StringRef::npos)
      return {};
    T = T.drop_front(NL + 1);
  }
  return T.take_until([](char C) { return C == '\n' || C == '\r'; });
}

unsigned SourceFiles::utf16Column(const std::string &File, unsigned Line, unsigned ByteColumn) {
  llvm::StringRef Text = line(File, Line);
  if (ByteColumn <= 1 || Text.empty())
    return ByteColumn;
  llvm::StringRef Prefix = Text.take_front(ByteColumn - 1);
  unsigned Units = 0;
  for (size_t I = 0; I < Prefix.size();) {
    unsigned char C = static_cast<unsigned char>(Prefix[I]);
    unsigned Len = C < 0x80 ? 1 : llvm::getNumBytesForUTF8(C);
    if (Len == 0)
      Len = 1;
    Units += Len == 4 ? 2 : 1; // beyond the BMP: a surrogate pair
    I += Len;
  }
  // Columns past the end of the line (an end column after the last character) keep their
  // distance from it.
  return Units + 1 + (ByteColumn - 1 > Prefix.size() ? ByteColumn - 1 - Prefix.size() : 0);
}

std::string SourceFiles::lineHash(const std::string &File, unsigned Line) {
  auto It = Hashes.find(File);
  if (It == Hashes.end()) {
    std::optional<llvm::StringRef> Text = contents(File);
    It = Hashes.emplace(File, Text ? computeLineHashes(*Text) : std::map<unsigned, std::string>())
             .first;
  }
  auto H = It->second.find(Line);
  return H == It->second.end() ? std::string() : H->second;
}

} // namespace sa
