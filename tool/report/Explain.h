// `state-audit explain`: a rule's page, or one finding in full (its path from the entry point
// to the write, its evidence, the fix).
#pragma once

#include "facts/Finding.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <vector>

namespace sa {

struct RuleInfo;

/// The rule's documentation page (docs/rules/<id>.md, embedded), its default level and where
/// it is online.
void writeRulePage(llvm::raw_ostream &OS, const RuleInfo &Rule);

/// The findings `Target` names: a fingerprint or its first 6+ hex digits, or FILE:LINE[:COL]
/// (FILE as reported, or a path ending in it, or a suffix of it after a '/').
std::vector<const Finding *> selectFindings(const std::vector<Finding> &Findings,
                                            llvm::StringRef Target);

/// One finding: what, the path from its entry point to the write, evidence, the fix, the rule.
void writeExplanation(llvm::raw_ostream &OS, const Finding &F);

} // namespace sa
