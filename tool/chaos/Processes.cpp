#include "chaos/Processes.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
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

llvm::Error spawnError(llvm::StringRef Name, const llvm::Twine &What) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "cannot start " + Name.str() + ": " + What.str());
}

} // namespace

Supervisor::Supervisor() = default;

Supervisor::~Supervisor() { stopAll(); }

llvm::Expected<pid_t> Supervisor::startShell(llvm::StringRef Name, llvm::StringRef Command,
                                             llvm::StringRef LogPath) {
  return spawn(Name, {"/bin/sh", "-c", Command.str()}, LogPath);
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
  int Log = ::open(std::string(LogPath).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (Log < 0)
    return spawnError(Name, "cannot open " + LogPath + ": " + std::strerror(errno));
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
    unregisterGroup(C.pid);
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
