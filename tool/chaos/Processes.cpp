#include "chaos/Processes.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <set>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace sa::chaos {

namespace {

// The process groups the signal handler forwards to: written by the main thread before a
// child can run, read by the handler (only async-signal-safe calls there).
constexpr int MaxGroups = 256;
volatile sig_atomic_t Groups[MaxGroups];
std::atomic<int> GroupCount{0};
volatile sig_atomic_t Interrupted = 0;

void onSignal(int Signal) {
  int Saved = errno;
  if (!Interrupted)
    Interrupted = Signal;
  for (int I = 0, N = GroupCount.load(); I < N; ++I)
    if (Groups[I] > 0)
      ::killpg(pid_t(Groups[I]), SIGTERM);
  errno = Saved;
}

void registerGroup(pid_t Pid) {
  int I = GroupCount.load();
  if (I < MaxGroups) {
    Groups[I] = Pid;
    GroupCount.store(I + 1);
  }
}

void unregisterGroup(pid_t Pid) {
  for (int I = 0, N = GroupCount.load(); I < N; ++I)
    if (Groups[I] == Pid)
      Groups[I] = 0;
}

bool isRegistered(pid_t Group) {
  for (int I = 0, N = GroupCount.load(); I < N; ++I)
    if (Groups[I] == Group)
      return true;
  return false;
}

// --- the watchdog -----------------------------------------------------------------------
// A process forked from the runner before the first child, told over a pipe which process
// groups the runner started. When the pipe closes without a goodbye, the runner is gone (a
// SIGKILL, the OOM killer, a crash): the watchdog sends SIGKILL to every group still listed
// and exits. PR_SET_PDEATHSIG alone reaches only the runner's own children, not what they
// started.
enum : int32_t { WatchAdd = 'A', WatchForget = 'F', WatchQuit = 'Q' };

[[noreturn]] void watch(int Fd) {
  for (int S : {SIGINT, SIGTERM, SIGHUP, SIGPIPE})
    ::signal(S, SIG_IGN); // a terminal's or a CI job's signal must not stop the clean-up
  ::setpgid(0, 0);
  pid_t Watched[MaxGroups] = {};
  int N = 0;
  int32_t M[2];
  while (true) {
    ssize_t R = ::read(Fd, M, sizeof M);
    if (R < 0 && errno == EINTR)
      continue;
    if (R != ssize_t(sizeof M))
      break; // the runner is gone
    if (M[0] == WatchQuit)
      ::_exit(0);
    if (M[0] == WatchAdd && N < MaxGroups)
      Watched[N++] = M[1];
    for (int I = 0; M[0] == WatchForget && I < N; ++I)
      if (Watched[I] == M[1])
        Watched[I] = 0;
  }
  for (int I = 0; I < N; ++I)
    if (Watched[I] > 0)
      ::killpg(Watched[I], SIGKILL);
  ::_exit(0);
}

int WatchFd = -1;
pid_t WatchPid = 0;

void tellWatchdog(int32_t Op, pid_t Group) {
  if (WatchFd < 0)
    return;
  int32_t M[2] = {Op, int32_t(Group)};
  while (::write(WatchFd, M, sizeof M) < 0 && errno == EINTR) {
  }
}

void startWatchdog() {
  if (WatchPid > 0)
    return;
  int Fds[2];
  if (::pipe2(Fds, O_CLOEXEC) != 0)
    return;
  pid_t Pid = ::fork();
  if (Pid == 0) {
    int Null = ::open("/dev/null", O_RDWR);
    for (int Std = 0; Std < 3 && Null >= 0; ++Std)
      ::dup2(Null, Std);
    ::dup2(Fds[0], 3);
    ::close_range(4, ~0u, 0); // the write end too: EOF must mean the runner is gone
    watch(3);
  }
  ::close(Fds[0]);
  if (Pid < 0) {
    ::close(Fds[1]);
    return;
  }
  WatchFd = Fds[1];
  WatchPid = Pid;
}

void stopWatchdog() {
  if (WatchPid <= 0)
    return;
  tellWatchdog(WatchQuit, 0);
  ::close(WatchFd);
  while (::waitpid(WatchPid, nullptr, 0) < 0 && errno == EINTR) {
  }
  WatchFd = -1;
  WatchPid = 0;
}

// --- descendants --------------------------------------------------------------------------

struct ProcInfo {
  pid_t ppid = 0, pgid = 0;
  bool zombie = false;
};

/// Every process's parent and group, from /proc.
std::map<pid_t, ProcInfo> processTable() {
  std::map<pid_t, ProcInfo> Table;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It("/proc", EC), End; It != End && !EC;
       It.increment(EC)) {
    pid_t Pid = 0;
    if (llvm::StringRef(llvm::sys::path::filename(It->path())).getAsInteger(10, Pid))
      continue;
    auto Stat = llvm::MemoryBuffer::getFileAsStream(It->path() + "/stat");
    if (!Stat)
      continue;
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    llvm::StringRef Rest = (*Stat)->getBuffer();
    size_t Paren = Rest.rfind(')');
    if (Paren == llvm::StringRef::npos)
      continue;
    llvm::SmallVector<llvm::StringRef, 4> F;
    Rest.drop_front(Paren + 1).trim().split(F, ' ', 3, false);
    ProcInfo I;
    if (F.size() < 3 || F[1].getAsInteger(10, I.ppid) || F[2].getAsInteger(10, I.pgid))
      continue;
    I.zombie = F[0] == "Z";
    Table[Pid] = I;
  }
  return Table;
}

/// The runner's descendants, zombies included (the watchdog left out). The runner is a child
/// subreaper, so what its children leave behind when they die is still below it.
std::vector<std::pair<pid_t, ProcInfo>> descendants() {
  std::map<pid_t, ProcInfo> Table = processTable();
  std::map<pid_t, std::vector<pid_t>> Children;
  for (const auto &[Pid, I] : Table)
    Children[I.ppid].push_back(Pid);
  std::vector<std::pair<pid_t, ProcInfo>> Out;
  std::vector<pid_t> Todo = {::getpid()};
  while (!Todo.empty()) {
    pid_t P = Todo.back();
    Todo.pop_back();
    for (pid_t C : Children[P]) {
      if (C == WatchPid)
        continue;
      Out.emplace_back(C, Table[C]);
      Todo.push_back(C);
    }
  }
  return Out;
}

llvm::Error spawnError(llvm::StringRef Name, const llvm::Twine &What) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "cannot start " + Name.str() + ": " + What.str());
}

} // namespace

Supervisor::Supervisor() {
  // What a child leaves behind when it dies (a daemon, a worker) is re-parented to the
  // runner rather than to init, so stopAll() still finds it.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
}

Supervisor::~Supervisor() {
  stopAll();
  stopWatchdog();
}

std::string shellCommand(llvm::StringRef Command) {
  llvm::StringRef C = Command.trim();
  // Lists, pipelines, subshells, groups, substitutions, quotes and escapes: run as written.
  if (C.empty() || C.find_first_of(";&|(){}`'\"\\\n") != llvm::StringRef::npos)
    return Command.str();
  llvm::StringRef First = C.take_until([](char Ch) { return Ch == ' ' || Ch == '\t'; });
  static const char *const NotPrograms[] = {
      "!",     "case",  "cd",       "command", "do",     "done",  "elif",   "else",
      "esac",  "eval",  "exec",     "exit",    "export", "fi",    "for",    "if",
      "local", "read",  "readonly", "return",  "set",    "shift", "source", "then",
      "trap",  "ulimit", "umask",   "unset",   "until",  "wait",  "while",  ".",
      ":",     "alias", "break",    "continue"};
  if (First.contains('=') || llvm::is_contained(NotPrograms, First))
    return Command.str();
  return "exec " + C.str();
}

llvm::Expected<pid_t> Supervisor::startShell(llvm::StringRef Name, llvm::StringRef Command,
                                             llvm::StringRef LogPath) {
  return spawn(Name, {"/bin/sh", "-c", shellCommand(Command)}, LogPath);
}

llvm::Expected<pid_t> Supervisor::start(llvm::StringRef Name,
                                        const std::vector<std::string> &Argv,
                                        llvm::StringRef LogPath) {
  return spawn(Name, Argv, LogPath);
}

llvm::Expected<pid_t> Supervisor::spawn(llvm::StringRef Name,
                                        const std::vector<std::string> &Argv,
                                        llvm::StringRef LogPath) {
  if (Argv.empty())
    return spawnError(Name, "no program");
  // A link planted where the log goes is not followed (ELOOP), nor is anything but a new
  // regular file written through.
  int Log = ::open(std::string(LogPath).c_str(),
                   O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (Log < 0)
    return spawnError(Name, "cannot open " + LogPath + ": " +
                                (errno == ELOOP ? "it is a symbolic link (not followed)"
                                                : std::strerror(errno)));
  startWatchdog();
  int DevNull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  std::vector<char *> Args;
  for (const std::string &A : Argv)
    Args.push_back(const_cast<char *>(A.c_str()));
  Args.push_back(nullptr);
  const pid_t Parent = ::getpid();

  // Block the forwarded signals while forking so that the handler never sees a child that is
  // not registered yet, nor runs in the child before exec.
  sigset_t Block, Old;
  sigemptyset(&Block);
  for (int S : {SIGINT, SIGTERM, SIGHUP})
    sigaddset(&Block, S);
  ::sigprocmask(SIG_BLOCK, &Block, &Old);
  pid_t Pid = ::fork();
  if (Pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != Parent)
      ::_exit(127);
    for (int S : {SIGINT, SIGTERM, SIGHUP, SIGPIPE})
      ::signal(S, SIG_DFL);
    ::sigprocmask(SIG_SETMASK, &Old, nullptr);
    if (DevNull >= 0)
      ::dup2(DevNull, 0);
    ::dup2(Log, 1);
    ::dup2(Log, 2);
    ::execv(Args[0], Args.data());
    const char Msg[] = "state-audit chaos: exec failed\n";
    (void)!::write(2, Msg, sizeof Msg - 1);
    ::_exit(127);
  }
  int ForkErrno = errno;
  if (Pid > 0) {
    ::setpgid(Pid, Pid); // also here: no race with the child's own call
    registerGroup(Pid);
    tellWatchdog(WatchAdd, Pid);
    Children.push_back(Child{Name.str(), Pid});
  }
  ::sigprocmask(SIG_SETMASK, &Old, nullptr);
  ::close(Log);
  if (DevNull >= 0)
    ::close(DevNull);
  if (Pid < 0)
    return spawnError(Name, std::string("fork failed: ") + std::strerror(ForkErrno));
  // A signal that came in while forking was held back; the child is registered now.
  if (Interrupted)
    ::killpg(Pid, SIGTERM);
  return Pid;
}

Supervisor::Child *Supervisor::find(pid_t Pid) {
  for (Child &C : Children)
    if (C.pid == Pid)
      return &C;
  return nullptr;
}

const Supervisor::Child *Supervisor::find(pid_t Pid) const {
  return const_cast<Supervisor *>(this)->find(Pid);
}

void Supervisor::signal(pid_t Pid, int Signal) {
  if (find(Pid))
    ::killpg(Pid, Signal);
}

bool Supervisor::running(pid_t Pid) {
  Child *C = find(Pid);
  if (!C || C->reaped)
    return false;
  int Status = 0;
  pid_t R = ::waitpid(Pid, &Status, WNOHANG);
  if (R == 0)
    return true;
  C->reaped = true;
  C->status = R == Pid ? Status : 0;
  return false;
}

std::string Supervisor::howEnded(pid_t Pid) const {
  const Child *C = find(Pid);
  if (!C || !C->reaped)
    return "is running";
  if (WIFSIGNALED(C->status))
    return "was killed by signal " + std::to_string(WTERMSIG(C->status));
  return "exited with status " + std::to_string(WEXITSTATUS(C->status));
}

void Supervisor::stopAll(std::chrono::milliseconds Grace) {
  for (Child &C : Children)
    if (!C.stopped && running(C.pid))
      ::killpg(C.pid, SIGTERM);
  auto Deadline = std::chrono::steady_clock::now() + Grace;
  auto AnyRunning = [&] {
    bool Any = false;
    for (Child &C : Children)
      Any |= running(C.pid);
    return Any;
  };
  while (AnyRunning() && std::chrono::steady_clock::now() < Deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (Child &C : Children) {
    if (C.stopped)
      continue;
    C.stopped = true;
    // The leader may be gone while something it started still runs in its group.
    ::killpg(C.pid, SIGKILL);
    if (!C.reaped) {
      int Status = 0;
      while (::waitpid(C.pid, &Status, 0) < 0 && errno == EINTR) {
      }
      C.reaped = true;
      C.status = Status;
    }
  }
  sweep();
  for (Child &C : Children) {
    unregisterGroup(C.pid);
    tellWatchdog(WatchForget, C.pid);
  }
  for (pid_t G : Adopted) {
    unregisterGroup(G);
    tellWatchdog(WatchForget, G);
  }
  Adopted.clear();
}

void Supervisor::adoptStrays() {
  for (const auto &[Pid, I] : descendants())
    if (!I.zombie && I.pgid != ::getpgrp() && !isRegistered(I.pgid) && I.pgid > 1) {
      registerGroup(I.pgid);
      tellWatchdog(WatchAdd, I.pgid);
      Adopted.push_back(I.pgid);
    }
}

void Supervisor::sweep() {
  for (pid_t G : Adopted)
    ::killpg(G, SIGKILL);
  auto Deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (true) {
    bool Living = false;
    for (const auto &[Pid, I] : descendants()) {
      if (!I.zombie) {
        Living = true;
        ::kill(Pid, SIGKILL);
      } else if (I.ppid == ::getpid()) {
        ::waitpid(Pid, nullptr, WNOHANG); // re-parented to the runner as the subreaper
      }
    }
    if (!Living || std::chrono::steady_clock::now() > Deadline)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::vector<pid_t> Supervisor::pids() const {
  std::vector<pid_t> P;
  for (const Child &C : Children)
    P.push_back(C.pid);
  return P;
}

void Supervisor::installSignalHandlers() {
  struct sigaction SA;
  std::memset(&SA, 0, sizeof SA);
  SA.sa_handler = onSignal;
  sigemptyset(&SA.sa_mask);
  for (int S : {SIGINT, SIGTERM, SIGHUP})
    ::sigaction(S, &SA, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

int Supervisor::interrupted() { return Interrupted; }

} // namespace sa::chaos
