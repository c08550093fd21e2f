#include "config/ConfigSyntax.h"

#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/YAMLParser.h"

#include <string>

namespace sa {

llvm::Error configError(llvm::StringRef Path, unsigned Line, unsigned Col, const llvm::Twine &What) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (Path + ":" + llvm::Twine(Line) + ":" + llvm::Twine(Col) + ": " +
                                  What)
                                     .str());
}

/// What LLVM's YAML reader does not survive, refused before it sees the text: control
/// characters and NUL, anchors and aliases (a bare `*a` crashes it), and nesting deep enough
/// to overflow its recursion. A configuration (or a chaos step file) needs none of them.
llvm::Error prevalidateYaml(llvm::StringRef T, llvm::StringRef Path, llvm::StringRef Kind) {
  constexpr unsigned MaxIndent = 200, MaxFlowDepth = 32, MaxIndicators = 32;
  unsigned Line = 1;
  size_t LineStart = 0;
  auto Col = [&](size_t I) { return static_cast<unsigned>(I - LineStart + 1); };
  for (size_t I = 0; I < T.size(); ++I) {
    unsigned char C = static_cast<unsigned char>(T[I]);
    if (C == '\n') {
      ++Line;
      LineStart = I + 1;
    } else if ((C < 0x20 && C != '\t' && C != '\r') || C == 0x7f) {
      char Hex[8];
      snprintf(Hex, sizeof Hex, "0x%02X", C);
      return configError(Path, Line, Col(I),
                         llvm::Twine("control character ") + Hex +
                             (C == 0 ? " (NUL)" : "") + " is not allowed in " + Kind);
    }
  }
  // Invalid UTF-8 makes the reader fail half-way and then crash reporting it.
  {
    const llvm::UTF8 *Begin = reinterpret_cast<const llvm::UTF8 *>(T.data());
    const llvm::UTF8 *At = Begin;
    if (!llvm::isLegalUTF8String(&At, Begin + T.size())) {
      size_t Offset = static_cast<size_t>(At - Begin);
      unsigned L = 1;
      size_t Start = 0;
      for (size_t I = 0; I < Offset; ++I)
        if (T[I] == '\n') {
          ++L;
          Start = I + 1;
        }
      return configError(Path, L, static_cast<unsigned>(Offset - Start + 1),
                         "not valid UTF-8");
    }
  }
  Line = 1;
  LineStart = 0;
  int Flow = 0;
  bool AtLineStart = true, ValueStart = true, AfterSpace = true;
  unsigned Indicators = 0;
  size_t N = T.size();
  auto Next = [&](size_t I) { return I + 1 < N ? T[I + 1] : '\n'; };
  for (size_t I = 0; I < N; ++I) {
    char C = T[I];
    if (C == '\n') {
      ++Line;
      LineStart = I + 1;
      AtLineStart = true;
      ValueStart = true;
      AfterSpace = true;
      Indicators = 0;
      continue;
    }
    if (AtLineStart) {
      size_t J = I;
      while (J < N && (T[J] == ' ' || T[J] == '\t'))
        ++J;
      if (J - I > MaxIndent && J < N && T[J] != '\n' && T[J] != '#')
        return configError(Path, Line, Col(J), "nested too deeply (indented more than " +
                                                   llvm::Twine(MaxIndent) + " columns)");
      AtLineStart = false;
      I = J - 1;
      continue;
    }
    if (C == ' ' || C == '\t' || C == '\r') {
      AfterSpace = true;
      continue;
    }
    if (C == '#' && AfterSpace) {
      while (I + 1 < N && T[I + 1] != '\n')
        ++I;
      continue;
    }
    AfterSpace = false;
    if (ValueStart) {
      if (C == '"' || C == '\'') {
        // A quoted scalar, possibly over several lines.
        size_t J = I + 1;
        for (; J < N; ++J) {
          if (T[J] == '\n') {
            ++Line;
            LineStart = J + 1;
          } else if (C == '"' && T[J] == '\\') {
            ++J;
          } else if (T[J] == C) {
            if (C == '\'' && J + 1 < N && T[J + 1] == '\'') {
              ++J;
              continue;
            }
            break;
          }
        }
        I = J;
        ValueStart = false;
        continue;
      }
      if (C == '*' || C == '&')
        return configError(Path, Line, Col(I),
                           llvm::Twine(C == '*' ? "an alias" : "an anchor") +
                               " is not supported in " + Kind + " (quote a value "
                               "that starts with '" + llvm::Twine(C) + "')");
      if ((C == '-' || C == '?') && (Next(I) == ' ' || Next(I) == '\n' || Next(I) == '\t')) {
        if (++Indicators > MaxIndicators)
          return configError(Path, Line, Col(I), "nested too deeply");
        continue;
      }
    }
    if (C == '[' || C == '{') {
      if (++Flow > static_cast<int>(MaxFlowDepth))
        return configError(Path, Line, Col(I), "nested too deeply (more than " +
                                                   llvm::Twine(MaxFlowDepth) +
                                                   " levels of brackets)");
      ValueStart = true;
      continue;
    }
    if (C == ']' || C == '}') {
      if (Flow > 0)
        --Flow;
      ValueStart = false;
      continue;
    }
    if (C == ',' && Flow > 0) {
      ValueStart = true;
      continue;
    }
    if (C == ':' && (Next(I) == ' ' || Next(I) == '\n' || Next(I) == '\t' || Flow > 0)) {
      ValueStart = true;
      continue;
    }
    ValueStart = false;
  }
  return llvm::Error::success();
}

/// The line where a second YAML document starts, or 0. Read from the text: the YAML reader's
/// own nextDocument() crashes after a document holding only comments.
unsigned secondDocumentLine(llvm::StringRef T) {
  unsigned Line = 0;
  bool Content = false, Ended = false;
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  T.split(Lines, '\n');
  for (llvm::StringRef L : Lines) {
    ++Line;
    llvm::StringRef Trimmed = L.rtrim();
    if (Trimmed == "---" || Trimmed.starts_with("--- ") || Trimmed.starts_with("---\t")) {
      if (Content)
        return Line;
      continue;
    }
    if (Trimmed == "..." || Trimmed.starts_with("... ")) {
      Ended = Content;
      continue;
    }
    llvm::StringRef S = L.trim();
    if (!S.empty() && !S.starts_with("#") && !(S.starts_with("%") && !Content)) {
      if (Ended)
        return Line;
      Content = true;
    }
  }
  return 0;
}


} // namespace sa
