// The processes the chaos runner starts: each in a process group of its own, so that one
// signal reaches a server together with whatever it started, and none is left behind when the
// run ends, fails or is interrupted.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

namespace sa::chaos {

class Supervisor {
public:
  Supervisor();
  /// Stops every child still running (stopAll()).
  ~Supervisor();
  Supervisor(const Supervisor &) = delete;
  Supervisor &operator=(const Supervisor &) = delete;

  /// Runs `/bin/sh -c Command` as the leader of a new process group, output (stdout and
  /// stderr) appended to `LogPath`. The child dies with the runner (PR_SET_PDEATHSIG) even
  /// if the runner itself is killed. Returns the child's pid (= its process group id).
  llvm::Expected<pid_t> startShell(llvm::StringRef Name, llvm::StringRef Command,
                                   llvm::StringRef LogPath);
  /// The same for a program and its arguments (no shell).
  llvm::Expected<pid_t> start(llvm::StringRef Name, const std::vector<std::string> &Argv,
                              llvm::StringRef LogPath);

  /// Sends `Signal` to the child's whole process group.
  void signal(pid_t Pid, int Signal);
  /// True while the child has not exited; reaps it (and records its status) once it has.
  bool running(pid_t Pid);
  /// How a child that is no longer running ended, e.g. "exited with status 3" or
  /// "killed by signal 9".
  std::string howEnded(pid_t Pid) const;

  /// SIGTERM to every group still running, SIGKILL to what is left after `Grace`, every
  /// child reaped. Idempotent.
  void stopAll(std::chrono::milliseconds Grace = std::chrono::milliseconds(2000));

  /// The pids started so far, running or not.
  std::vector<pid_t> pids() const;

  /// Installs handlers for SIGINT, SIGTERM and SIGHUP that forward SIGTERM to every child's
  /// group at once and record the signal; the run notices with interrupted() and stops.
  /// Also ignores SIGPIPE (a closed connection is an error, not a death).
  static void installSignalHandlers();
  /// The signal that interrupted the run, or 0.
  static int interrupted();

private:
  struct Child {
    std::string name;
    pid_t pid = 0;
    bool reaped = false;
    bool stopped = false; // stopAll() is done with its group
    int status = 0;
  };
  Child *find(pid_t Pid);
  const Child *find(pid_t Pid) const;
  llvm::Expected<pid_t> spawn(llvm::StringRef Name, const std::vector<std::string> &Argv,
                              llvm::StringRef LogPath);

  std::vector<Child> Children;
};

} // namespace sa::chaos
