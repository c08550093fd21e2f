// .state-audit.yaml: the effective configuration of a scan.
//
// Found from the scanned root upward like .clang-tidy, or given with --config. Parsed with
// LLVM's YAML I/O: an unknown key or a bad value is an error naming the file, line and key.
#pragma once

#include "facts/Knowledge.h"
#include "rules/RuleSet.h"
#include "rules/Registry.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sa {

/// Largest max-instances and downstream-limit accepted.
inline constexpr int64_t MaxPoolBudgetValue = 1000000;

struct RuleConfig {
  std::optional<bool> enabled;
  std::optional<Level> level; // every finding of the rule gets this level
};

struct EntryPointConfig {
  bool replaceDefaults = false; // true: these lists replace the built-in ones
  std::vector<std::string> registrationCalls;
  std::vector<std::string> backgroundCalls;
  std::vector<std::string> excludedCalls;
  std::vector<std::string> handlerMethods;
  std::vector<std::string> functions; // explicit entry points
  std::vector<std::string> longLivedClasses;
};

struct Config {
  std::string path; // the file it came from; empty for the defaults
  std::optional<std::string> failOn; // error, warning, note or never
  std::vector<std::string> exclude;  // globs relative to the project root
  std::map<std::string, RuleConfig> rules;
  EntryPointConfig entryPoints;
  PoolBudget connectionPools;
  /// What is library code (review/LibraryCode.h); absent = the built-in detection.
  std::optional<std::vector<std::string>> vendored;
  /// Library knowledge added to the shipped rules/knowledge.yaml.
  Knowledge knowledge;

  /// The shipped knowledge with this configuration's additions.
  Knowledge effectiveKnowledge() const;

  /// The link options this configuration asks for.
  LinkOptions linkOptions() const;
  bool ruleEnabled(llvm::StringRef Rule) const;
  /// A stable text of everything that changes what a scan reports, for cache keys.
  std::string fingerprint() const;
};

/// Parses a configuration. `Path` names the file in errors ("file:line:col: error: ...").
llvm::Expected<Config> parseConfig(llvm::StringRef Content, llvm::StringRef Path);
llvm::Expected<Config> loadConfig(llvm::StringRef Path);

/// .state-audit.yaml in `Start` or the nearest parent; empty when there is none.
std::string findConfig(llvm::StringRef Start);

/// The effective configuration as YAML, defaults spelled out (`state-audit config --dump`).
std::string dumpConfig(const Config &C);

} // namespace sa
