#include "report/MarkdownText.h"

#include <algorithm>

namespace sa {

std::string markdownText(llvm::StringRef S) {
  std::string Out;
  for (char C : S) {
    if (C == '\n' || C == '\r' || C == '\t') {
      Out += ' '; // a line break would end the list item
      continue;
    }
    if (static_cast<unsigned char>(C) < 0x20 || C == 0x7f)
      continue;
    if (C == '|' || C == '<' || C == '>' || C == '*' || C == '_' || C == '`' || C == '[' ||
        C == ']' || C == '\\')
      Out += '\\';
    Out += C;
  }
  return Out;
}

std::string markdownCode(llvm::StringRef S) {
  std::string Text;
  for (char C : S)
    Text += (C == '\n' || C == '\r' || static_cast<unsigned char>(C) < 0x20) ? ' ' : C;
  size_t Longest = 0, Run = 0;
  for (char C : Text) {
    Run = C == '`' ? Run + 1 : 0;
    Longest = std::max(Longest, Run);
  }
  std::string Fence(Longest + 1, '`');
  bool Pad = !Text.empty() && (Text.front() == '`' || Text.back() == '`' || Text.front() == ' ');
  return Fence + (Pad ? " " : "") + Text + (Pad ? " " : "") + Fence;
}

std::string markdownCodeInCell(llvm::StringRef S) {
  std::string Out;
  for (char C : markdownCode(S))
    Out += C == '|' ? std::string("\\|") : std::string(1, C);
  return Out;
}

} // namespace sa
