// The chaos runner's step file: the tool calls (or other requests) one MCP session makes,
// in order, each with an optional expected result. JSON or YAML:
//
//   steps:
//     - name: remember              # optional; default: the tool or method
//       call: remember              # tools/call of this tool ...
//       arguments: {title: "chaos ${run}", tags: ["chaos-${run}"]}
//     - method: tools/list          # ... or any JSON-RPC request (params: {...})
//     - sse: true                   # ... or the GET stream (resumed with Last-Event-ID)
//     - call: recall
//       arguments: {tag: "chaos-${run}"}
//       expect: [{title: "chaos ${run}"}]   # subset of the result that must be there
//
// `${run}` in any string is replaced by a token unique to the run, so a shared store that
// outlives the run does not answer with an earlier run's data.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <vector>

namespace sa::chaos {

struct Step {
  enum class Kind { ToolCall, Request, Stream };
  Kind kind = Kind::ToolCall;
  std::string name;                      // shown in the report
  std::string target;                    // tool name (ToolCall) or method (Request)
  llvm::json::Object arguments;          // tools/call arguments, or the request's params
  std::optional<llvm::json::Value> expect;
  unsigned line = 0;                     // where the step starts in its file (0: built in)
};

/// The largest step file read: a scenario is a few dozen steps.
inline constexpr size_t MaxStepFileBytes = size_t(1) << 20;

/// Parses a step file's text. `Name` is the file name used in messages; JSON and YAML are
/// both read as YAML (of which JSON is a subset). What would crash LLVM's YAML reader (nesting
/// deeper than its recursion survives, aliases, control characters) and files over
/// MaxStepFileBytes are refused before it runs. Errors name the file, the line when known,
/// and the problem.
llvm::Expected<std::vector<Step>> parseSteps(llvm::StringRef Text, llvm::StringRef Name);

/// Reads and parses a step file.
llvm::Expected<std::vector<Step>> loadSteps(llvm::StringRef Path);

/// The scenario used without --steps: list the tools, open the stream, and again after the kill.
std::vector<Step> defaultSteps();

/// Replaces `${run}` in every string of `V` by `Token`.
llvm::json::Value substituteRun(const llvm::json::Value &V, llvm::StringRef Token);

/// True when `Actual` holds `Expected`: objects hold the expected keys (recursively), arrays
/// hold a match for each expected element (in any order), scalars are equal (numbers by value).
bool matchesExpectation(const llvm::json::Value &Expected, const llvm::json::Value &Actual);

} // namespace sa::chaos
