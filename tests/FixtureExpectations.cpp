#include "FixtureExpectations.h"

#include "llvm/ADT/StringRef.h"

#include <algorithm>

namespace sa::testing {

std::vector<Expectation> parseExpectations(const std::string &File, const std::string &Text,
                                           std::vector<std::string> &Errors) {
  std::vector<Expectation> Out;
  llvm::StringRef Rest(Text);
  unsigned LineNo = 0;
  while (!Rest.empty()) {
    auto [Line, Tail] = Rest.split('\n');
    Rest = Tail;
    ++LineNo;
    size_t Comment = Line.find("//");
    if (Comment == llvm::StringRef::npos)
      continue;
    llvm::StringRef C = Line.drop_front(Comment + 2);
    auto Fail = [&](const std::string &Why) {
      Errors.push_back(File + ":" + std::to_string(LineNo) + ": " + Why);
    };
    for (size_t At = C.find("expect"); At != llvm::StringRef::npos; At = C.find("expect")) {
      C = C.drop_front(At + 6);
      // "expect" followed by ':' or '@' only; "expected" in prose is not an expectation.
      int Offset = 0;
      if (C.consume_front("@")) {
        bool Minus = C.starts_with("-");
        C = C.drop_front(C.starts_with("+") || C.starts_with("-") ? 1 : 0);
        llvm::StringRef Digits = C.take_while([](char Ch) { return isdigit(Ch); });
        if (Digits.empty() || Digits.getAsInteger(10, Offset)) {
          Fail("expect@ needs +N or -N");
          break;
        }
        C = C.drop_front(Digits.size());
        if (Minus)
          Offset = -Offset;
      }
      if (!C.consume_front(":"))
        continue;
      C = C.ltrim();
      llvm::StringRef LevelWord = C.take_while([](char Ch) { return isalpha(Ch); });
      C = C.drop_front(LevelWord.size()).ltrim();
      std::optional<Level> L = parseLevel(LevelWord);
      if (!L) {
        Fail("unknown level '" + LevelWord.str() + "'");
        break;
      }
      llvm::StringRef Rule = C.take_while([](char Ch) { return isalnum(Ch) || Ch == '-'; });
      C = C.drop_front(Rule.size());
      unsigned Column = 0;
      if (C.consume_front(":")) {
        llvm::StringRef Digits = C.take_while([](char Ch) { return isdigit(Ch); });
        if (Digits.empty() || Digits.getAsInteger(10, Column) || Column == 0) {
          Fail("RULE:COL needs a column from 1");
          break;
        }
        C = C.drop_front(Digits.size());
      }
      C = C.ltrim();
      if (!findRule(Rule)) {
        Fail("unknown rule '" + Rule.str() + "'");
        break;
      }
      Expectation E;
      E.file = File;
      E.commentLine = LineNo;
      E.line = static_cast<unsigned>(static_cast<int>(LineNo) + Offset);
      E.level = *L;
      E.rule = Rule.str();
      E.column = Column;
      bool Bad = false;
      while (C.consume_front("{{")) {
        size_t End = C.find("}}");
        if (End == llvm::StringRef::npos) {
          Fail("unterminated {{");
          Bad = true;
          break;
        }
        E.texts.push_back(C.take_front(End).str());
        C = C.drop_front(End + 2).ltrim();
      }
      if (Bad)
        break;
      Out.push_back(std::move(E));
    }
  }
  return Out;
}

std::string describe(const Finding &F) {
  return F.loc.file + ":" + std::to_string(F.loc.line) + ":" + std::to_string(F.loc.column) +
         ": " + toString(F.level) + " " + F.rule + ": " + F.message;
}

static bool contains(const Finding &F, const std::string &Text) {
  if (F.message.find(Text) != std::string::npos || F.symbol.find(Text) != std::string::npos ||
      F.hint.find(Text) != std::string::npos || F.type.find(Text) != std::string::npos)
    return true;
  for (const Evidence &E : F.evidence)
    if (E.message.find(Text) != std::string::npos)
      return true;
  return false;
}

static std::string texts(const Expectation &E) {
  std::string Out;
  for (const std::string &T : E.texts)
    Out += " {{" + T + "}}";
  return Out;
}

MatchResult matchFindings(const std::vector<Expectation> &Expected,
                          const std::vector<Finding> &Found) {
  MatchResult R;
  std::vector<bool> Used(Found.size(), false);
  // Expectations with text first, so a bare expectation does not take the finding a more
  // specific one on the same line needs.
  std::vector<const Expectation *> Order;
  for (const Expectation &E : Expected)
    if (!E.texts.empty())
      Order.push_back(&E);
  for (const Expectation &E : Expected)
    if (E.texts.empty())
      Order.push_back(&E);
  for (const Expectation *E : Order) {
    bool Matched = false;
    for (size_t I = 0; I < Found.size() && !Matched; ++I) {
      const Finding &F = Found[I];
      if (Used[I] || F.loc.file != E->file || F.loc.line != E->line || F.level != E->level ||
          F.rule != E->rule || (E->column && F.loc.column != E->column) ||
          !std::all_of(E->texts.begin(), E->texts.end(),
                       [&](const std::string &T) { return contains(F, T); }))
        continue;
      Used[I] = Matched = true;
    }
    if (!Matched)
      R.missing.push_back(E->file + ":" + std::to_string(E->line) +
                          (E->column ? ":" + std::to_string(E->column) : std::string()) + ": " +
                          toString(E->level) + " " + E->rule + texts(*E) +
                          " (expectation on line " + std::to_string(E->commentLine) + ")");
  }
  for (size_t I = 0; I < Found.size(); ++I)
    if (!Used[I])
      R.unexpected.push_back(describe(Found[I]));
  return R;
}

} // namespace sa::testing
