#include "support/Untrusted.h"

#include <cctype>

namespace sa {

std::optional<size_t> jsonTooDeepAt(llvm::StringRef Text, unsigned MaxDepth) {
  unsigned Depth = 0;
  bool InString = false;
  for (size_t I = 0; I < Text.size(); ++I) {
    char C = Text[I];
    if (InString) {
      if (C == '\\')
        ++I; // the escaped character, whatever it is
      else if (C == '"')
        InString = false;
      continue;
    }
    if (C == '"') {
      InString = true;
    } else if (C == '[' || C == '{') {
      if (++Depth > MaxDepth)
        return I;
    } else if ((C == ']' || C == '}') && Depth > 0) {
      --Depth;
    }
  }
  return std::nullopt;
}

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

llvm::Expected<llvm::json::Value> parseUntrustedJson(llvm::StringRef Text, unsigned MaxDepth) {
  if (std::optional<size_t> At = jsonTooDeepAt(Text, MaxDepth)) {
    auto [Line, Col] = lineColumn(Text, *At);
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   std::to_string(Line) + ":" + std::to_string(Col) +
                                       ": not valid JSON: nested deeper than " +
                                       std::to_string(MaxDepth) + " levels");
  }
  llvm::Expected<llvm::json::Value> V = llvm::json::parse(Text);
  if (V)
    return V;
  // ParseError reads "[line:col, byte=N]: what"; keep "line:col: what".
  std::string Message;
  llvm::handleAllErrors(V.takeError(), [&](const llvm::ErrorInfoBase &E) {
    std::string Full = E.message();
    llvm::StringRef M = Full;
    size_t ByteAt = M.find("byte=");
    size_t Offset = 0;
    if (ByteAt != llvm::StringRef::npos)
      M.drop_front(ByteAt + 5)
          .take_while([](char C) { return std::isdigit(static_cast<unsigned char>(C)); })
          .getAsInteger(10, Offset);
    size_t Close = M.find("]: ");
    auto [Line, Col] = lineColumn(Text, Offset);
    Message = std::to_string(Line) + ":" + std::to_string(Col) + ": not valid JSON: " +
              (Close != llvm::StringRef::npos ? M.drop_front(Close + 3) : M).str();
  });
  return llvm::createStringError(llvm::inconvertibleErrorCode(), Message);
}

} // namespace sa
