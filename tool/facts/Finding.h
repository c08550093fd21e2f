// Findings: what the rules' judges conclude from facts, and what the gate and the reports
// consume. Plain data, like the facts they come from.
#pragma once

#include "facts/Facts.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace sa {

/// Finding levels, ordered: a gate at `Warning` also fails on `Error`.
enum class Level { Note = 1, Warning = 2, Error = 3 };

const char *toString(Level);
std::optional<Level> parseLevel(llvm::StringRef);

/// A supporting location referenced from a finding's message: a write site, an entry point.
struct Evidence {
  std::string message;
  SourceLoc loc;
};

enum class BaselineState { None, New, Unchanged, Absent };

struct Finding {
  std::string rule;
  Level level = Level::Warning;
  SourceLoc loc;
  std::string symbol;  // qualified name of the state, or the file API for file-write
  std::string type;    // the state's type as written
  std::string message; // first sentence stands alone
  std::string hint;    // where the state should move
  std::vector<Evidence> evidence;
  /// The path to the write, step by step: the entry point (or where the phase starts), each
  /// call on the way, the write itself. SARIF's codeFlows and `explain` show it.
  std::vector<Evidence> flow;
  std::string stateId; // facts id of the state (stable across TUs)
  std::string fingerprint; // identity used by the baseline: rule, path and symbol

  // Filled by the gate.
  bool suppressed = false;
  std::string suppressionReason;
  BaselineState baseline = BaselineState::None;
};

/// The identity order: by file, line, column, rule, symbol. Fingerprints are assigned in it.
bool findingLess(const Finding &A, const Finding &B);

/// The order reports print findings in: errors first, then warnings, then notes, each by
/// file, line, column, rule, symbol (findingLess).
bool reportLess(const Finding &A, const Finding &B);

/// Sorts findings into report order (reportLess).
void sortForReport(std::vector<Finding> &Findings);

const char *toString(BaselineState);

/// Assigns each finding its fingerprint: a hash of rule, path and symbol (plus an ordinal for
/// findings that share all three), independent of line numbers so it survives moved code.
/// `Findings` must be sorted with findingLess.
void assignFingerprints(std::vector<Finding> &Findings);

} // namespace sa
