// The chaos run: N instances of the user's server on free loopback ports, HAProxy in front,
// one MCP session through it, SIGKILL to the instance serving the session at a chosen step,
// and a record of what each exchange came to.
#pragma once

#include "chaos/Balancer.h"
#include "chaos/Processes.h"
#include "chaos/Report.h"
#include "chaos/Steps.h"

#include "llvm/Support/Error.h"

#include <chrono>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace sa::chaos {

/// Streamable HTTP (2025-06-18), the HTTP+SSE transport (2024-11-05), or Streamable HTTP
/// with a fall-back to HTTP+SSE when it is refused.
enum class Transport { Streamable, Sse, Auto };

struct ChaosOptions {
  std::string server;          // shell command with {port} and optionally {instance}
  unsigned instances = 3;
  Balance balance = Balance::RoundRobin; // of the kill round; the first is round-robin
  Transport transport = Transport::Auto;
  std::vector<Step> steps;
  unsigned killAt = 0;         // before this step (1-based); 0: the middle
  std::string mcpPath;         // empty: /mcp (Streamable HTTP), /sse (HTTP+SSE)
  std::string healthPath;      // empty: HAProxy checks TCP connects
  std::string workDir;         // the balancer's configuration and every process's log
  std::string haproxy;         // the haproxy program; empty: found on PATH
  std::chrono::milliseconds startTimeout{20000};
  llvm::raw_ostream *progress = nullptr; // one line per phase, if set
};

/// Checks what can be checked before anything runs: the placeholders, the counts, the step
/// to kill at (filled in when 0). The message is for a usage error (exit 2).
llvm::Error validateOptions(ChaosOptions &Options);

/// The command for one instance: {port} and {instance} replaced.
std::string instanceCommand(llvm::StringRef Command, unsigned Port, llvm::StringRef Name);

/// A free TCP port on 127.0.0.1 (bound, then released), or 0.
unsigned freeLoopbackPort();

/// Runs it. Every process it starts is started by `Processes`, which the caller stops
/// (also when this returns an error: the servers did not come up, the balancer could not
/// start, or a signal interrupted the run).
llvm::Expected<ChaosResult> runChaos(const ChaosOptions &Options, Supervisor &Processes);

} // namespace sa::chaos
