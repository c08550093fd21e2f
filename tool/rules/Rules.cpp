#include "rules/Rules.h"

namespace sa {

const char *toString(Level L) {
  switch (L) {
  case Level::Note: return "note";
  case Level::Warning: return "warning";
  case Level::Error: return "error";
  }
  return "?";
}

std::optional<Level> parseLevel(llvm::StringRef S) {
  if (S == "note") return Level::Note;
  if (S == "warning") return Level::Warning;
  if (S == "error") return Level::Error;
  return std::nullopt;
}

static const RuleInfo Rules[] = {
    {"global-variable", "GlobalVariable",
     "mutable namespace-scope variables (incl. static, anonymous-namespace, inline, macro-made)",
     "A mutable variable at namespace scope lives once per process. When the server runs as "
     "several instances behind a load balancer, each instance holds its own copy: a value "
     "written while serving one request is invisible to requests routed to another instance "
     "and is lost when the instance stops.",
     Level::Warning, "high"},
    {"static-local", "StaticLocal", "mutable function-local static variables",
     "A function-local static survives every call for the life of the process. Caches, "
     "counters and registries kept this way differ between instances and vanish on restart.",
     Level::Warning, "high"},
    {"static-member", "StaticMember", "mutable static data members (incl. of class templates)",
     "A static data member is one variable per process shared by every object of the class. "
     "Anything written to it is per-instance state that other instances do not see.",
     Level::Warning, "high"},
    {"thread-local", "ThreadLocal", "thread_local / __thread variables",
     "A thread_local variable outlives the request that wrote it and is seen by whatever "
     "request the same worker thread serves next, on this instance only.",
     Level::Warning, "high"},
    {"singleton", "MutableSingleton",
     "instance accessors returning static storage of a class with mutable state",
     "A singleton accessor hands every caller the same process-wide object. Its mutable fields "
     "are per-instance state: requests served by other instances see another object.",
     Level::Warning, "medium"},
    {"member-state", "MemberState",
     "mutable fields of long-lived objects written while serving requests",
     "Fields of objects that outlive a request (the server, a transport, a session manager) "
     "keep what one request wrote for the next. Behind a load balancer the next request may "
     "reach another instance, which never saw the write.",
     Level::Error, "medium"},
    {"captured-state", "CapturedState",
     "locals of a long-lived scope captured by reference into a handler and written by it",
     "A local of main() or of a server's set-up function captured by reference into a request "
     "handler becomes process-wide state: every request handled by this instance shares it, "
     "other instances have their own.",
     Level::Error, "medium"},
    {"session-state", "SessionState",
     "state holding per-session data (keyed by Mcp-Session-Id or a session id)",
     "Per-session data kept in memory forces sticky sessions: the load balancer must route "
     "every request with a given Mcp-Session-Id to the instance that created it, and the "
     "session is lost when that instance dies.",
     Level::Error, "medium"},
    {"file-write", "FileWrite", "writes to the local filesystem",
     "Files written to local disk exist on one instance only: other instances cannot read "
     "them, and they disappear with the instance (containers usually have ephemeral disks).",
     Level::Warning, "high"},
    {"connection-pool", "ConnectionPool",
     "downstream connection pools and their per-instance size; cluster budget check",
     "Each instance opens its own pool, so the downstream service sees max_instances x "
     "pool_size connections. Scaling out multiplies the connection count until the "
     "downstream limit is hit.",
     Level::Warning, "medium"},
    {"suppression", "SuppressionProblem",
     "inline suppressions without a reason, that suppress nothing, or left unclosed",
     "A suppression records a decision that some state is acceptable. Without a reason the "
     "decision cannot be reviewed; one that matches no finding has outlived the code it was "
     "written for and would silently hide the next finding on its line.",
     Level::Warning, "very-high"},
};

llvm::ArrayRef<RuleInfo> allRules() { return Rules; }

const RuleInfo *findRule(llvm::StringRef Id) {
  for (const RuleInfo &R : Rules)
    if (Id == R.id)
      return &R;
  return nullptr;
}

} // namespace sa
