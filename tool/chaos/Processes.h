// The processes the chaos runner starts: each in a process group of its own, so that one
// signal reaches a server together with whatever it started, and none is left behind when the
// run ends, fails or is interrupted. The runner is a child subreaper (what a dying child
// leaves behind stays below it and is swept at the end), and a watchdog process kills every
// group the runner started if the runner itself is killed with SIGKILL.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

namespace sa::chaos {

/// The shell command that runs `Command`: `exec Command` when it is one simple command (so
/// that the program replaces the shell and is the process the runner signals and watches),
/// otherwise `Command` as written.
std::string shellCommand(llvm::StringRef Command);

class Supervisor {
public:
  /// Makes the runner a child subreaper (PR_SET_CHILD_SUBREAPER).
  Supervisor();
  /// Stops every child still running (stopAll()).
  ~Supervisor();
  Supervisor(const Supervisor &) = delete;
  Supervisor &operator=(const Supervisor &) = delete;

  /// Runs `/bin/sh -c shellCommand(Command)` as the leader of a new process group, output
  /// (stdout and stderr) written to `LogPath` (created anew; a symbolic link there is not
  /// followed). The child dies with the runner (PR_SET_PDEATHSIG), and its whole group with
  /// it (the watchdog), even if the runner itself is killed. Returns the child's pid (= its
  /// process group id).
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

  /// Takes on the process groups of descendants that left their group (a daemon's setsid):
  /// signals, stopAll() and the watchdog reach them too.
  void adoptStrays();

  /// SIGTERM to every group still running, SIGKILL to what is left after `Grace`, then
  /// SIGKILL to every descendant left (adopted groups, daemons re-parented to the runner),
  /// every child reaped. Idempotent.
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
  /// SIGKILL to every descendant still alive, until none is (at most 2 s).
  void sweep();

  std::vector<Child> Children;
  std::vector<pid_t> Adopted; // process groups taken on by adoptStrays()
};

} // namespace sa::chaos
