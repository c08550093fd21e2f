// Review, report and gate: the part of `scan` that `merge` shares, so that merged shards
// report exactly what a single scan does.
#pragma once

#include "Commands.h"

#include "config/Config.h"
#include "program/Program.h"
#include "support/Paths.h"

#include "llvm/Support/Error.h"

namespace sa {

/// --config FILE, else .state-audit.yaml from `Start` upward, else the defaults.
llvm::Expected<Config> effectiveConfig(const std::string &Explicit, const std::string &Start);

/// Loads the baseline and path maps the options name; errors are input errors (exit 2).
llvm::Error prepareReview(const ReportOptions &O, const Config &C, struct ReviewOptions &Out);

/// Reviews the program, writes the report the options ask for, and returns the exit code.
int reportAndGate(const Program &P, const ProjectPaths &Paths, const ReviewOptions &Review,
                  const ReportOptions &O);

/// The same from a linked program (linkProgram, or the linked-result cache). `Whole` is the
/// program itself, needed only by the formats reportNeedsProgram names.
int reportAndGate(const struct LinkedProgram &P, const Program *Whole, const ProjectPaths &Paths,
                  const ReviewOptions &Review, const ReportOptions &O);
bool reportNeedsProgram(const ReportOptions &O);

} // namespace sa
