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
  std::string stateId; // facts id of the state (stable across TUs)
  std::string fingerprint; // identity used by the baseline: rule, path and symbol

  // Filled by the gate.
  bool suppressed = false;
  std::string suppressionReason;
  BaselineState baseline = BaselineState::None;
};

/// Orders findings the way every report prints them: by file, line, column, rule, symbol.
bool findingLess(const Finding &A, const Finding &B);

const char *toString(BaselineState);

/// Assigns each finding its fingerprint: a hash of rule, path and symbol (plus an ordinal for
/// findings that share all three), independent of line numbers so it survives moved code.
/// `Findings` must be sorted with findingLess.
void assignFingerprints(std::vector<Finding> &Findings);

} // namespace sa
