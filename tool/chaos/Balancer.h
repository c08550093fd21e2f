// The load balancer in front of the instances: HAProxy with a generated configuration,
// round-robin or sticky on the Mcp-Session-Id header, active health checks, a response
// header naming the instance that served each request, and a CSV stats page the runner
// reads to see when HAProxy has noticed a killed instance. Everything binds to 127.0.0.1.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>
#include <vector>

namespace sa::chaos {

/// Sticky: on the Mcp-Session-Id header. Source: on the client's address.
enum class Balance { RoundRobin, Sticky, Source };

/// The response header HAProxy sets to the name of the instance that served the request.
inline constexpr const char *InstanceHeader = "X-State-Audit-Instance";
/// The backend's name in the configuration and the stats.
inline constexpr const char *BackendName = "mcp_instances";

/// The backend of the first round (round-robin, no kill) when --lb is not round-robin.
inline constexpr const char *RoundRobinBackendName = "mcp_round_robin";

struct BalancerConfig {
  unsigned port = 0;          // where clients connect (the kill round, balanced by `balance`)
  unsigned roundRobinPort = 0; // the first round's, round-robin (unused when `balance` is)
  unsigned statsPort = 0;     // HAProxy's stats page (CSV at /stats;csv)
  Balance balance = Balance::RoundRobin;
  std::string healthPath;     // HTTP health check path; empty: TCP connect checks
  struct Instance {
    std::string name;
    unsigned port = 0;
  };
  std::vector<Instance> instances;
};

/// The haproxy.cfg for `Config`.
std::string haproxyConfig(const BalancerConfig &Config);

/// Server name -> status ("UP", "DOWN", "UP 1/2", "MAINT", ...) of `Backend`'s servers in
/// HAProxy's CSV stats. Rows of other proxies and the BACKEND/FRONTEND rows are left out.
std::map<std::string, std::string> parseServerStatus(llvm::StringRef Csv,
                                                     llvm::StringRef Backend = BackendName);

} // namespace sa::chaos
