// Inline expectations of the fixtures (see fixtures/README.md) and how findings are matched
// against them. Kept apart from the runner so the matching itself is unit-tested.
#pragma once

#include "facts/Finding.h"
#include "rules/Registry.h"

#include <string>
#include <vector>

namespace sa::testing {

struct Expectation {
  std::string file; // root-relative
  unsigned line = 0;
  unsigned column = 0; // `RULE:COL`; 0 when the expectation gives none
  Level level = Level::Warning;
  std::string rule;
  std::vector<std::string> texts; // each must occur in the finding's message, symbol,
                                  // evidence, hint or type
  unsigned commentLine = 0; // where the expectation is written
};

/// Parses the expectations in one file's text. Malformed ones are reported in `Errors`.
std::vector<Expectation> parseExpectations(const std::string &File, const std::string &Text,
                                           std::vector<std::string> &Errors);

struct MatchResult {
  std::vector<std::string> missing;    // expected, not found
  std::vector<std::string> unexpected; // found, not expected
  bool ok() const { return missing.empty() && unexpected.empty(); }
};

/// Pairs each expectation with one finding on its line with the same level and rule (and
/// containing its text). Everything left over on either side is a failure.
MatchResult matchFindings(const std::vector<Expectation> &Expected,
                          const std::vector<Finding> &Found);

std::string describe(const Finding &F);

} // namespace sa::testing
