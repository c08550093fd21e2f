#include "rules/suppression/SuppressionCollector.h"

#include "rules/suppression/SuppressionComments.h"

#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

using namespace clang;

namespace sa {

bool SuppressionCollector::HandleComment(Preprocessor &PP, SourceRange Comment) {
  const SourceManager &SM = PP.getSourceManager();
  llvm::StringRef Text = Lexer::getSourceText(CharSourceRange::getCharRange(Comment), SM,
                                              PP.getLangOpts());
  // Cheap filter first: most comments are prose.
  if (!Text.contains("NOLINT") && !Text.contains("state-audit"))
    return false;
  std::optional<SuppressionComment> S = parseSuppressionComment(Text);
  if (!S)
    return false;
  if (!Ctx.attached())
    return false;
  std::optional<SourceLoc> Loc = Ctx.projectLoc(Comment.getBegin());
  if (!Loc)
    return false;
  Loc->endLine = Loc->line;
  Loc->endColumn = Loc->column + static_cast<unsigned>(Text.split('\n').first.rtrim().size());
  S->loc = *Loc;
  Ctx.facts().suppressions.push_back(std::move(*S));
  return false;
}

} // namespace sa
