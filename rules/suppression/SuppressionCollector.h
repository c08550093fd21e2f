// Collects the suppression comments of the project's files while the preprocessor reads them.
#pragma once

#include "model/ExtractContext.h"

#include "clang/Lex/Preprocessor.h"

namespace sa {

class SuppressionCollector : public clang::CommentHandler {
public:
  explicit SuppressionCollector(ExtractContext &Ctx) : Ctx(Ctx) {}
  bool HandleComment(clang::Preprocessor &PP, clang::SourceRange Comment) override;

private:
  ExtractContext &Ctx;
};

} // namespace sa
