// Name patterns, as the knowledge file writes them: globs matched against the unqualified
// name, or against the qualified name when they contain "::"; a "re:" prefix makes a regular
// expression over the qualified name. Plain C++: extraction and link read the same lists.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/Regex.h"

#include <memory>
#include <string>
#include <vector>

namespace sa {

/// The identifiers in a type's or name's spelling, in order: "std::map<std::string,
/// Conn *>" -> {std, map, std, string, Conn}. The pieces point into `Text`.
std::vector<llvm::StringRef> identifiersIn(llvm::StringRef Text);

/// A compiled list of name patterns.
class NamePatterns {
public:
  NamePatterns() = default;
  explicit NamePatterns(const std::vector<std::string> &Patterns);

  /// Errors found while compiling (bad globs or regexes), one line each.
  const std::vector<std::string> &errors() const { return Errors; }

  bool matches(llvm::StringRef Unqualified, llvm::StringRef Qualified) const;
  bool matches(llvm::StringRef Qualified) const;
  bool empty() const { return Globs.empty() && Regexes.empty(); }

private:
  struct Glob {
    llvm::GlobPattern pattern;
    bool qualified;
  };
  std::vector<Glob> Globs;
  /// A GlobPattern refers to its pattern's text: the texts are kept with the patterns (shared,
  /// so copies stay valid).
  std::vector<std::shared_ptr<const std::string>> Texts;
  std::vector<std::unique_ptr<llvm::Regex>> Regexes;
  std::vector<std::string> Errors;
};

} // namespace sa
