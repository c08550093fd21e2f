#include "facts/NamePatterns.h"

#include <cctype>

namespace sa {

std::vector<llvm::StringRef> identifiersIn(llvm::StringRef Text) {
  std::vector<llvm::StringRef> Out;
  for (size_t I = 0; I < Text.size();) {
    size_t J = I;
    while (J < Text.size() && (std::isalnum(static_cast<unsigned char>(Text[J])) || Text[J] == '_'))
      ++J;
    if (J > I)
      Out.push_back(Text.slice(I, J));
    I = J == I ? I + 1 : J;
  }
  return Out;
}

NamePatterns::NamePatterns(const std::vector<std::string> &Patterns) {
  for (const std::string &P : Patterns) {
    llvm::StringRef S(P);
    if (S.consume_front("re:")) {
      auto R = std::make_unique<llvm::Regex>(S);
      std::string Error;
      if (!R->isValid(Error)) {
        Errors.push_back("bad regular expression '" + S.str() + "': " + Error);
        continue;
      }
      Regexes.push_back(std::move(R));
      continue;
    }
    Texts.push_back(std::make_shared<const std::string>(S.str()));
    llvm::Expected<llvm::GlobPattern> G = llvm::GlobPattern::create(*Texts.back());
    if (!G) {
      Errors.push_back("bad pattern '" + P + "': " + llvm::toString(G.takeError()));
      continue;
    }
    Globs.push_back({std::move(*G), S.contains("::")});
  }
}

bool NamePatterns::matches(llvm::StringRef Unqualified, llvm::StringRef Qualified) const {
  for (const Glob &G : Globs)
    if (G.pattern.match(G.qualified ? Qualified : Unqualified))
      return true;
  for (const auto &R : Regexes)
    if (R->match(Qualified))
      return true;
  return false;
}

bool NamePatterns::matches(llvm::StringRef Qualified) const {
  llvm::StringRef Unqualified = Qualified;
  size_t Colons = Qualified.rfind("::");
  if (Colons != llvm::StringRef::npos)
    Unqualified = Qualified.drop_front(Colons + 2);
  return matches(Unqualified, Qualified);
}

} // namespace sa
