// Which code runs per request: the entry-point configuration and its default patterns.
//
// Extraction records every callable handed to any call, with the call's name; this file
// decides which of those calls register request handlers (cpp-httplib's Post, an MCP SDK's
// add_tool, Asio's async_read, ...), which start background work (std::thread, a pool's
// submit), and which overridden virtuals are handler interfaces. Patterns are globs matched
// against the unqualified name, or against the qualified name when they contain "::";
// a "re:" prefix makes a regular expression.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/Regex.h"

#include <memory>
#include <string>
#include <vector>

namespace sa {

struct EntryPointKnowledge;

struct EntryPointOptions {
  std::vector<std::string> registrationCalls; // calls whose callable arguments handle requests
  std::vector<std::string> excludedCalls;     // callbacks that never run per request (signal, atexit)
  std::vector<std::string> backgroundCalls;   // threads, pools, timers: background work
  std::vector<std::string> handlerMethods;    // overridden virtuals that handle requests
  std::vector<std::string> entryFunctions;    // functions named as entry points explicitly
  std::vector<std::string> longLivedClasses;  // classes whose objects outlive requests
  std::vector<std::string> teardownFunctions; // run when the server stops: stop, shutdown, close
  std::vector<std::string> teardownCalls;     // their callables run on a signal or at exit
  std::vector<std::string> onceCalls;         // their callables run once: call_once
  std::vector<std::string> configurationFunctions; // the set-up API: register*, set*, add*, ...

  /// The defaults: the shipped knowledge (rules/knowledge.yaml) of C++ MCP SDKs,
  /// HTTP/WebSocket/RPC libraries, Asio/Beast.
  static EntryPointOptions defaults();
  static EntryPointOptions fromKnowledge(const EntryPointKnowledge &K);
};

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
