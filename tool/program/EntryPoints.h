// Which code runs per request: the entry-point configuration and its default patterns.
//
// Extraction records every callable handed to any call, with the call's name; this file
// decides which of those calls register request handlers (cpp-httplib's Post, an MCP SDK's
// add_tool, Asio's async_read, ...), which start background work (std::thread, a pool's
// submit), and which overridden virtuals are handler interfaces. Patterns are globs matched
// against the unqualified name, or against the qualified name when they contain "::";
// a "re:" prefix makes a regular expression.
#pragma once

#include "facts/NamePatterns.h"

#include <string>
#include <vector>

namespace sa {

struct Knowledge;

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
  std::vector<std::string> infrastructureClasses;  // thread pools, timers, loggers, sinks
  std::vector<std::string> connectionClasses;      // live connections, sockets, listeners

  /// The defaults: the shipped knowledge (rules/knowledge.yaml) of C++ MCP SDKs,
  /// HTTP/WebSocket/RPC libraries, Asio/Beast.
  static EntryPointOptions defaults();
  static EntryPointOptions fromKnowledge(const Knowledge &K);
};

} // namespace sa
