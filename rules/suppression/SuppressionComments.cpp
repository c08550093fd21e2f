#include "rules/suppression/SuppressionComments.h"

#include "llvm/ADT/StringExtras.h"

#include <string>
#include <vector>

namespace sa {

namespace {

/// "a, b ,c" -> {"a", "b", "c"}
std::vector<std::string> splitList(llvm::StringRef List) {
  llvm::SmallVector<llvm::StringRef> Parts;
  List.split(Parts, ',', -1, false);
  std::vector<std::string> Out;
  for (llvm::StringRef P : Parts)
    if (!P.trim().empty())
      Out.push_back(P.trim().str());
  return Out;
}

/// The reason after a suppression: separators users write (":", "-", "--") are dropped.
std::string reasonOf(llvm::StringRef Rest) {
  // A second comment on the line ("// NOLINT(x) // TODO") is not part of the reason.
  Rest = Rest.split("//").first.trim();
  while (!Rest.empty() && (Rest.front() == ':' || Rest.front() == '-' || Rest.front() == '*'))
    Rest = Rest.drop_front().ltrim();
  return Rest.rtrim(" \t*/").str();
}

} // namespace

std::optional<SuppressionComment> parseSuppressionComment(llvm::StringRef Text) {
  llvm::StringRef T = Text.trim();
  if (!T.consume_front("//") && !T.consume_front("/*"))
    return std::nullopt;
  T = T.ltrim(" \t/*!");

  SuppressionComment S;
  if (T.consume_front("state-audit:")) {
    T = T.ltrim();
    if (!T.consume_front("allow("))
      return std::nullopt;
    size_t Close = T.find(')');
    if (Close == llvm::StringRef::npos)
      return std::nullopt;
    S.kind = SuppressionKind::Allow;
    S.rules = splitList(T.take_front(Close));
    for (std::string &R : S.rules)
      if (llvm::StringRef(R).consume_front("state-audit-"))
        R = R.substr(strlen("state-audit-"));
    S.reason = reasonOf(T.drop_front(Close + 1));
    return S;
  }

  size_t At = T.find("NOLINT");
  if (At == llvm::StringRef::npos)
    return std::nullopt;
  llvm::StringRef N = T.drop_front(At);
  if (N.consume_front("NOLINTNEXTLINE"))
    S.kind = SuppressionKind::NoLintNextLine;
  else if (N.consume_front("NOLINTBEGIN"))
    S.kind = SuppressionKind::NoLintBegin;
  else if (N.consume_front("NOLINTEND"))
    S.kind = SuppressionKind::NoLintEnd;
  else if (N.consume_front("NOLINT"))
    S.kind = SuppressionKind::NoLint;
  else
    return std::nullopt;
  if (!N.starts_with("(")) {
    S.rules = {"*"};
    S.reason = reasonOf(N);
    return S;
  }
  size_t Close = N.find(')');
  if (Close == llvm::StringRef::npos)
    return std::nullopt;
  for (const std::string &Check : splitList(N.substr(1, Close - 1))) {
    llvm::StringRef C(Check);
    if (C == "*" || C == "state-audit-*")
      S.rules.push_back("*");
    else if (C.consume_front("state-audit-"))
      S.rules.push_back(C.str());
  }
  if (S.rules.empty())
    return std::nullopt; // another tool's checks only
  S.reason = reasonOf(N.drop_front(Close + 1));
  return S;
}

} // namespace sa
