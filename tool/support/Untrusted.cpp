#include "support/Untrusted.h"

#include "llvm/ADT/StringExtras.h"

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

llvm::StringRef withoutByteOrderMark(llvm::StringRef Text) {
  Text.consume_front("\xEF\xBB\xBF");
  return Text;
}

llvm::Expected<llvm::json::Value> parseUntrustedJson(llvm::StringRef Text, unsigned MaxDepth) {
  // Lines and columns are then counted as an editor shows them: the mark takes no column.
  Text = withoutByteOrderMark(Text);
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

namespace {

/// Takes a JSON text apart at the arrays on a path, checking only its structure (strings,
/// brackets, separators): the parts are parsed by llvm::json afterwards, which checks the rest.
class Splitter {
public:
  Splitter(llvm::StringRef Text, llvm::ArrayRef<llvm::StringRef> Path) : Text(Text), Path(Path) {}

  std::optional<JsonParts> run() {
    size_t I = 0;
    space(I);
    if (!value(I, 0, 0))
      return std::nullopt;
    space(I);
    if (I != Text.size())
      return std::nullopt;
    Parts.skeleton += Text.substr(Copied);
    return std::move(Parts);
  }

private:
  static constexpr size_t Off = ~size_t(0); // not on the path

  void space(size_t &I) const {
    while (I < Text.size() && (Text[I] == ' ' || Text[I] == '\t' || Text[I] == '\n' ||
                               Text[I] == '\r'))
      ++I;
  }
  bool expect(size_t &I, char C) {
    space(I);
    if (I >= Text.size() || Text[I] != C)
      return false;
    ++I;
    space(I);
    return true;
  }
  /// `Step`: how many steps of the path lead here (Off: none).
  bool value(size_t &I, unsigned Depth, size_t Step) {
    if (Depth > MaxJsonDepth || I >= Text.size())
      return false;
    switch (Text[I]) {
    case '{':
      return object(I, Depth, Step);
    case '[':
      return Step == Path.size() ? split(I, Depth) : array(I, Depth, Step);
    case '"':
      return string(I);
    default:
      return scalar(I);
    }
  }
  bool string(size_t &I) {
    for (++I; I < Text.size(); ++I) {
      if (Text[I] == '\\')
        ++I;
      else if (Text[I] == '"')
        return ++I, true;
    }
    return false;
  }
  bool scalar(size_t &I) {
    size_t Start = I;
    while (I < Text.size() && (llvm::isAlnum(Text[I]) || Text[I] == '-' || Text[I] == '+' ||
                               Text[I] == '.'))
      ++I;
    return I > Start;
  }
  bool object(size_t &I, unsigned Depth, size_t Step) {
    ++I;
    space(I);
    if (I < Text.size() && Text[I] == '}')
      return ++I, true;
    bool Keyed = Step < Path.size() && Path[Step] != "*", Seen = false;
    for (;;) {
      size_t KeyStart = I;
      if (I >= Text.size() || Text[I] != '"' || !string(I))
        return false;
      llvm::StringRef Key = Text.slice(KeyStart + 1, I - 1);
      size_t Next = Off;
      if (Keyed && Key.contains('\\'))
        return false; // an escaped key might name the step: left to the whole parse
      if (Keyed && Key == Path[Step]) {
        if (Seen)
          return false; // a repeated key: the last one counts, left to the whole parse
        Seen = true;
        Next = Step + 1;
      }
      if (!expect(I, ':') || !value(I, Depth + 1, Next))
        return false;
      space(I);
      if (I < Text.size() && Text[I] == '}')
        return ++I, true;
      if (!expect(I, ','))
        return false;
    }
  }
  bool array(size_t &I, unsigned Depth, size_t Step) {
    bool Each = Step < Path.size() && Path[Step] == "*";
    return elements(I, Depth, [&](size_t Index, size_t &J) {
      if (Each)
        At.push_back(Index);
      bool Ok = value(J, Depth + 1, Each ? Step + 1 : Off);
      if (Each)
        At.pop_back();
      return Ok;
    });
  }
  /// An array at the end of the path: `[]` in the skeleton, its elements as slices.
  bool split(size_t &I, unsigned Depth) {
    Parts.skeleton += Text.slice(Copied, I);
    Parts.skeleton += "[]";
    JsonParts::Array A;
    A.at = At;
    bool Ok = elements(I, Depth, [&](size_t, size_t &J) {
      size_t Start = J;
      if (!value(J, Depth + 1, Off))
        return false;
      A.elements.push_back(Text.slice(Start, J));
      return true;
    });
    Copied = I;
    Parts.arrays.push_back(std::move(A));
    return Ok;
  }
  template <typename Fn> bool elements(size_t &I, unsigned Depth, Fn &&Element) {
    ++I;
    space(I);
    if (I < Text.size() && Text[I] == ']')
      return ++I, true;
    for (size_t Index = 0;; ++Index) {
      if (!Element(Index, I))
        return false;
      space(I);
      if (I < Text.size() && Text[I] == ']')
        return ++I, true;
      if (!expect(I, ','))
        return false;
    }
  }

  llvm::StringRef Text;
  llvm::ArrayRef<llvm::StringRef> Path;
  JsonParts Parts;
  std::vector<size_t> At; // indexes of the "*" steps taken
  size_t Copied = 0;      // the text before this is in the skeleton already
};

/// Moves the arrays at `Path` out of a parsed document, leaving them empty.
void takeArrays(llvm::json::Value &V, llvm::ArrayRef<llvm::StringRef> Path,
                std::vector<size_t> &At,
                std::vector<std::pair<std::vector<size_t>, llvm::json::Array>> &Out) {
  if (Path.empty()) {
    if (llvm::json::Array *A = V.getAsArray()) {
      Out.push_back({At, std::move(*A)});
      *A = llvm::json::Array();
    }
    return;
  }
  if (Path.front() == "*") {
    if (llvm::json::Array *A = V.getAsArray())
      for (size_t I = 0; I < A->size(); ++I) {
        At.push_back(I);
        takeArrays((*A)[I], Path.drop_front(), At, Out);
        At.pop_back();
      }
    return;
  }
  if (llvm::json::Object *O = V.getAsObject())
    if (llvm::json::Value *Child = O->get(Path.front()))
      takeArrays(*Child, Path.drop_front(), At, Out);
}

} // namespace

std::optional<JsonParts> splitJson(llvm::StringRef Text, llvm::ArrayRef<llvm::StringRef> Path) {
  return Splitter(Text, Path).run();
}

llvm::Error parseJsonInParts(
    llvm::StringRef Text, llvm::ArrayRef<llvm::StringRef> Path,
    llvm::function_ref<llvm::Error(const llvm::json::Value &)> OnSkeleton,
    llvm::function_ref<llvm::Error(llvm::ArrayRef<size_t>, const llvm::json::Value &)> OnElement) {
  // The whole-document fallback below skips the mark itself: it gets the text as given.
  llvm::StringRef Body = withoutByteOrderMark(Text);
  if (!jsonTooDeepAt(Body))
    if (std::optional<JsonParts> Parts = splitJson(Body, Path)) {
      llvm::Expected<llvm::json::Value> Skeleton = llvm::json::parse(Parts->skeleton);
      bool Whole = bool(Skeleton);
      if (!Skeleton)
        llvm::consumeError(Skeleton.takeError());
      else if (llvm::Error E = OnSkeleton(*Skeleton))
        return E;
      for (size_t K = 0; Whole && K < Parts->arrays.size(); ++K)
        for (llvm::StringRef Element : Parts->arrays[K].elements) {
          llvm::Expected<llvm::json::Value> V = llvm::json::parse(Element);
          if (!V) {
            llvm::consumeError(V.takeError());
            Whole = false; // not valid after all: the whole parse says where
            break;
          }
          if (llvm::Error E = OnElement(Parts->arrays[K].at, *V))
            return E;
        }
      if (Whole)
        return llvm::Error::success();
    }
  llvm::Expected<llvm::json::Value> Doc = parseUntrustedJson(Text);
  if (!Doc)
    return Doc.takeError();
  std::vector<size_t> At;
  std::vector<std::pair<std::vector<size_t>, llvm::json::Array>> Arrays;
  takeArrays(*Doc, Path, At, Arrays);
  if (llvm::Error E = OnSkeleton(*Doc))
    return E;
  for (const auto &[Where, Elements] : Arrays)
    for (const llvm::json::Value &V : Elements)
      if (llvm::Error E = OnElement(Where, V))
        return E;
  return llvm::Error::success();
}

} // namespace sa
