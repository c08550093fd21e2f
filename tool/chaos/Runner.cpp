#include "chaos/Runner.h"

#include "chaos/Http.h"
#include "chaos/LegacySse.h"
#include "chaos/McpClient.h"
#include "support/Output.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <random>
#include <set>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace sa::chaos {
namespace json = llvm::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

llvm::Error fail(const llvm::Twine &Message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), Message.str());
}

void sleepFor(milliseconds D) { std::this_thread::sleep_for(D); }

llvm::Error interruption() {
  return fail("interrupted by signal " + std::to_string(Supervisor::interrupted()) +
              "; every process the run started is being stopped");
}

/// The last lines of a log, for a message about a process that did not come up.
std::string logTail(llvm::StringRef Path, size_t Lines = 5) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> B = llvm::MemoryBuffer::getFile(Path);
  if (!B)
    return "";
  llvm::SmallVector<llvm::StringRef, 64> All;
  (*B)->getBuffer().split(All, '\n', -1, false);
  std::string Out;
  for (size_t I = All.size() > Lines ? All.size() - Lines : 0; I < All.size(); ++I)
    Out += "\n    " + All[I].str();
  return Out;
}

/// Who held what a refused request needed, and which request of the session put it there.
struct Loss {
  std::string holder, writer;
};

struct Instance {
  std::string name;
  unsigned port = 0;
  pid_t pid = 0;
  std::string log;
};

class Run {
public:
  Run(const ChaosOptions &O, Supervisor &P) : O(O), P(P) {}

  llvm::Expected<ChaosResult> go() {
    R.server = O.server;
    R.balance = O.balance;
    if (llvm::Error E = startInstances())
      return E;
    if (llvm::Error E = startBalancer())
      return E;
    // What breaks as soon as requests spread, then what a kill loses.
    say("round 1: round-robin, no kill");
    session(Round::RoundRobin, RoundRobinPort);
    if (Supervisor::interrupted())
      return interruption();
    say("round 2: " + balanceLabel(O.balance) + ", the serving instance killed before step " +
        std::to_string(O.killAt));
    session(Round::Kill, LbPort);
    if (Supervisor::interrupted())
      return interruption();
    return std::move(R);
  }

private:
  static std::string balanceLabel(Balance B) {
    return B == Balance::Sticky ? "sticky" : B == Balance::Source ? "source" : "round-robin";
  }

  void say(const llvm::Twine &Line) {
    if (O.progress)
      *O.progress << "state-audit chaos: " << Line << "\n";
  }

  llvm::Error startInstances() {
    for (unsigned I = 0; I < O.instances; ++I) {
      Instance In;
      In.name = "i" + std::to_string(I);
      In.port = freeLoopbackPort();
      if (!In.port)
        return fail("no free port on 127.0.0.1");
      In.log = (O.workDir + "/" + In.name + ".log");
      llvm::Expected<pid_t> Pid =
          P.startShell(In.name, instanceCommand(O.server, In.port, In.name), In.log);
      if (!Pid)
        return Pid.takeError();
      In.pid = *Pid;
      Instances.push_back(In);
      R.instances.push_back(InstanceRecord{In.name, In.port, int(In.pid)});
    }
    if (llvm::Error E = waitAnswering())
      return E;
    P.adoptStrays(); // a server that daemonised at start-up is still stopped at the end
    say(std::to_string(Instances.size()) + " instances answer on 127.0.0.1 ports " +
        portList());
    return llvm::Error::success();
  }

  std::string portList() const {
    std::vector<std::string> Ports;
    for (const Instance &In : Instances)
      Ports.push_back(std::to_string(In.port));
    return llvm::join(Ports, ", ");
  }

  /// Until every instance answers HTTP (any status) on its health path, or "/"; an
  /// instance that exits before it answers fails the run at once.
  llvm::Error waitAnswering() {
    auto Deadline = Clock::now() + O.startTimeout;
    std::vector<bool> Ready(Instances.size(), false);
    while (true) {
      bool All = true;
      for (size_t I = 0; I < Instances.size(); ++I) {
        if (Supervisor::interrupted())
          return interruption();
        if (Ready[I])
          continue;
        const Instance &In = Instances[I];
        if (!P.running(In.pid))
          return fail("instance " + In.name + " (" +
                      instanceCommand(O.server, In.port, In.name) + ") " + P.howEnded(In.pid) +
                      " before it answered; its output:" + logTail(In.log));
        HttpRequest Probe;
        Probe.port = In.port;
        Probe.path = O.healthPath.empty() ? "/" : O.healthPath;
        Probe.timeout = milliseconds(500);
        Ready[I] = sendHttp(Probe).status != 0;
        All &= Ready[I];
      }
      if (All)
        return llvm::Error::success();
      if (Clock::now() > Deadline) {
        const Instance &In = Instances[size_t(llvm::find(Ready, false) - Ready.begin())];
        return fail("instance " + In.name + " did not answer on 127.0.0.1:" +
                    std::to_string(In.port) + " within " +
                    std::to_string(O.startTimeout.count() / 1000) +
                    " s; does the command listen on {port}? Its output:" + logTail(In.log));
      }
      sleepFor(milliseconds(100));
    }
  }

  llvm::Error startBalancer() {
    std::string Program = O.haproxy;
    if (Program.empty()) {
      llvm::ErrorOr<std::string> Found = llvm::sys::findProgramByName("haproxy");
      if (!Found)
        return fail("haproxy is not installed (Debian: apt-get install haproxy); the chaos "
                    "test runs the instances behind a real HAProxy");
      Program = *Found;
    }
    BalancerConfig Config;
    Config.port = freeLoopbackPort();
    Config.statsPort = freeLoopbackPort();
    Config.roundRobinPort = O.balance == Balance::RoundRobin ? Config.port : freeLoopbackPort();
    if (!Config.port || !Config.statsPort || !Config.roundRobinPort)
      return fail("no free port on 127.0.0.1");
    Config.balance = O.balance;
    Config.healthPath = O.healthPath;
    for (const Instance &In : Instances)
      Config.instances.push_back({In.name, In.port});
    std::string CfgPath = O.workDir + "/haproxy.cfg";
    // Written at exactly that path: a link planted there is replaced, not followed.
    if (llvm::Error E = writeFileAtomically(CfgPath, haproxyConfig(Config)))
      return fail("cannot write " + CfgPath + ": " + llvm::toString(std::move(E)));
    std::string Log = O.workDir + "/haproxy.log";
    llvm::Expected<pid_t> Pid = P.start("haproxy", {Program, "-db", "-f", CfgPath}, Log);
    if (!Pid)
      return Pid.takeError();
    Balancer = *Pid;
    LbPort = Config.port;
    RoundRobinPort = Config.roundRobinPort;
    StatsPort = Config.statsPort;

    // Until HAProxy's health checks see every instance UP.
    auto Deadline = Clock::now() + O.startTimeout;
    std::map<std::string, std::string> Status;
    while (true) {
      if (Supervisor::interrupted())
        return interruption();
      if (!P.running(Balancer))
        return fail("haproxy " + P.howEnded(Balancer) + " at start-up (configuration " +
                    CfgPath + "); its output:" + logTail(Log));
      Status = serverStatus();
      if (Status.size() == Instances.size() &&
          llvm::all_of(Status, [](const auto &KV) { return KV.second == "UP"; }))
        break;
      if (Clock::now() > Deadline) {
        std::vector<std::string> States;
        for (const auto &[Name, S] : Status)
          States.push_back(Name + " " + S);
        return fail("HAProxy's health checks did not see every instance up within " +
                    std::to_string(O.startTimeout.count() / 1000) + " s (" +
                    (States.empty() ? std::string("no stats") : llvm::join(States, ", ")) +
                    (O.healthPath.empty() ? std::string(")")
                                          : "; does " + O.healthPath + " answer 2xx?)"));
      }
      sleepFor(milliseconds(100));
    }
    say("HAProxy (" + balanceLabel(O.balance) + ") on 127.0.0.1:" + std::to_string(LbPort) +
        ", every instance UP");
    return llvm::Error::success();
  }

  std::map<std::string, std::string> serverStatus() {
    HttpRequest Stats;
    Stats.port = StatsPort;
    Stats.path = "/stats;csv";
    Stats.timeout = milliseconds(1000);
    HttpResponse Res = sendHttp(Stats);
    if (Res.status != 200)
      return {};
    return parseServerStatus(Res.body);
  }

  // --- the session ---------------------------------------------------------------------

  std::string streamablePath() const { return O.mcpPath.empty() ? "/mcp" : O.mcpPath; }
  std::string ssePath() const { return O.mcpPath.empty() ? "/sse" : O.mcpPath; }

  std::unique_ptr<McpSession> newSession(Transport T, unsigned Port) const {
    if (T == Transport::Sse)
      return std::make_unique<LegacySseClient>(Port, ssePath());
    return std::make_unique<McpClient>(sendHttp, Port, streamablePath());
  }

  /// initialize in a new session on `Port`. With --transport auto, the first time: Streamable
  /// HTTP, and the HTTP+SSE transport when that is refused (HTTP 4xx or no JSON-RPC answer).
  Exchange openSession(unsigned Port) {
    if (Chosen) {
      Session = newSession(*Chosen, Port);
      return Session->initialize();
    }
    Transport First = O.transport == Transport::Sse ? Transport::Sse : Transport::Streamable;
    Session = newSession(First, Port);
    Exchange Init = Session->initialize();
    bool Refused = (Init.http >= 400 && Init.http < 500) ||
                   llvm::StringRef(Init.message).starts_with("the response is not");
    if (O.transport == Transport::Auto && Init.status != Exchange::Status::Ok && Refused) {
      say("no Streamable HTTP answer on " + streamablePath() + " (" + Init.message +
          "); trying the HTTP+SSE transport on " + ssePath());
      std::unique_ptr<McpSession> Legacy = newSession(Transport::Sse, Port);
      Exchange LegacyInit = Legacy->initialize();
      if (LegacyInit.status == Exchange::Status::Ok || LegacyInit.http != 0) {
        Session = std::move(Legacy);
        Chosen = Transport::Sse;
        R.transport = transportName(Transport::Sse);
        return LegacyInit;
      }
    }
    Chosen = First;
    R.transport = transportName(First);
    return Init;
  }

  static std::string transportName(Transport T) {
    return T == Transport::Sse ? "HTTP+SSE (2024-11-05)" : "Streamable HTTP";
  }

  void record(std::optional<unsigned> Step, std::string Name, const Exchange &X,
              Outcome Out, std::string Detail, const Loss &L = Loss()) {
    if (!X.instance.empty())
      LastInstance = X.instance;
    if (Out == Outcome::Ok && !X.instance.empty())
      Writes.emplace_back(X.instance, Name);
    StepRecord S{Step, std::move(Name), X.instance, Out, std::move(Detail), CurrentRound};
    S.holder = L.holder;
    S.writer = L.writer;
    S.route = L.holder.empty() ? "" : Session->route();
    S.warning = X.warning;
    R.steps.push_back(std::move(S));
  }

  static std::string where(const Exchange &X) {
    return X.instance.empty() ? "an unknown instance" : X.instance;
  }

  /// The instances that served this session's earlier exchanges, most likely holder first:
  /// the transport's home (the HTTP+SSE stream's instance), initialize's, then the others,
  /// latest first. Not `Refuser`, not the killed instance.
  std::vector<std::string> holderCandidates(llvm::StringRef Refuser) const {
    std::vector<std::string> Out;
    auto Add = [&](const std::string &Name) {
      if (!Name.empty() && Name != Refuser && !isKilled(Name) && !llvm::is_contained(Out, Name))
        Out.push_back(Name);
    };
    Add(Session->home());
    for (const auto &[Instance, Method] : Writes)
      if (Method == "initialize")
        Add(Instance);
    for (auto It = Writes.rbegin(); It != Writes.rend(); ++It)
      Add(It->first);
    return Out;
  }

  bool isKilled(llvm::StringRef Name) const {
    return CurrentRound == Round::Kill && R.kill.done && R.kill.instance == Name;
  }

  /// What this session wrote on `Instance`: its first exchange there.
  std::string writerOn(llvm::StringRef Instance) const {
    for (const auto &[Where, Method] : Writes)
      if (Where == Instance)
        return Method;
    return Instance == Session->home() ? "the event stream (GET)" : "an earlier request";
  }

  /// The refused message sent once more straight to each instance that served this session
  /// before: the first that answers it holds the state the refusing instance lacked.
  std::optional<std::pair<Loss, Exchange>> findHolder(const Exchange &Refused) {
    for (const std::string &Name : holderCandidates(Refused.instance)) {
      auto It = llvm::find_if(Instances, [&](const Instance &In) { return In.name == Name; });
      if (It == Instances.end())
        continue;
      Exchange Again = Session->replayLast(It->port);
      if (Again.status == Exchange::Status::Ok) {
        Again.instance = Name;
        return std::make_pair(Loss{Name, writerOn(Name)}, std::move(Again));
      }
    }
    return std::nullopt;
  }

  /// A new session after the old one was lost. False when none could be had; `Detail` says
  /// what happened.
  bool reinitialize(std::string &Detail) {
    Writes.clear();
    Exchange I = Session->initialize();
    if (!I.instance.empty())
      LastInstance = I.instance;
    if (I.status != Exchange::Status::Ok) {
      Detail += "; re-initialising failed on " + where(I) + ": " + I.message;
      return false;
    }
    Writes.emplace_back(I.instance, "initialize");
    Exchange N = Session->initialized();
    if (!N.instance.empty())
      LastInstance = N.instance;
    Detail += "; re-initialised on " + where(I);
    if (N.status != Exchange::Status::Ok)
      Detail += ", but notifications/initialized on " + where(N) + ": " + N.message;
    return true;
  }

  void session(Round Which, unsigned Port) {
    CurrentRound = Which;
    Writes.clear();
    LastInstance.clear();
    Exchange Init = openSession(Port);
    if (Init.status == Exchange::Status::Ok) {
      record(std::nullopt, "initialize", Init, Outcome::Ok, Init.message);
    } else if (std::optional<std::pair<Loss, Exchange>> Held = findHolder(Init)) {
      // The HTTP+SSE stream's instance holds the session; initialize went elsewhere.
      ++SessionLosses;
      record(std::nullopt, "initialize", Init,
             Init.status == Exchange::Status::SessionGone ? Outcome::SessionLost
                                                          : Outcome::StateLost,
             Init.message + " on " + where(Init) + "; " + Held->first.holder + ", which served " +
                 Held->first.writer + ", answers it",
             Held->first);
      Writes.emplace_back(Held->first.holder, "initialize");
    } else {
      record(std::nullopt, "initialize", Init, Outcome::Error, Init.message);
      R.stopped = std::string(Which == Round::RoundRobin ? "round 1: " : "") +
                  "the session could not start";
      return;
    }
    Exchange Notified = Session->initialized();
    judged(std::nullopt, Notificationstep(), Notified);
    runStep(std::nullopt, listStep());

    std::string Token = runToken();
    for (unsigned I = 0; I < O.steps.size(); ++I) {
      if (Supervisor::interrupted())
        return;
      if (Which == Round::Kill && I + 1 == O.killAt && !killServingInstance(I + 1))
        return;
      Step S = O.steps[I];
      S.arguments = *substituteRun(json::Value(std::move(S.arguments)), Token).getAsObject();
      if (S.expect)
        S.expect = substituteRun(*S.expect, Token);
      runStep(I + 1, S);
    }
    Session->endSession();
  }

  static Step Notificationstep() {
    Step S;
    S.kind = Step::Kind::Request;
    S.name = S.target = "notifications/initialized";
    return S;
  }

  static Step listStep() {
    Step S;
    S.kind = Step::Kind::Request;
    S.name = S.target = "tools/list";
    return S;
  }

  static std::string runToken() {
    std::random_device Random;
    return llvm::utohexstr((uint64_t(Random()) << 32) ^ Random() ^ uint64_t(::getpid()),
                           /*LowerCase=*/true);
  }

  Exchange exchange(const Step &S) {
    switch (S.kind) {
    case Step::Kind::ToolCall:
      return Session->request("tools/call",
                              json::Object{{"name", S.target},
                                           {"arguments", json::Object(S.arguments)}});
    case Step::Kind::Request:
      return Session->request(S.target, S.arguments);
    case Step::Kind::Stream:
      return Session->readStream(milliseconds(1500), milliseconds(700));
    }
    return Exchange();
  }

  /// What an answered step came to: ok, data lost (the expected result is not there) or an
  /// error (a failed tool, or a result unlike the expected one before anything was lost).
  std::pair<Outcome, std::string> judge(const Step &S, const Exchange &X) {
    if (X.status == Exchange::Status::NotOffered)
      return {Outcome::Ok, X.message};
    if (X.status != Exchange::Status::Ok)
      return {Outcome::Error, X.message};
    if (S.kind == Step::Kind::Stream || !X.result)
      return {Outcome::Ok, X.message};
    bool IsError = false;
    json::Value Value = *X.result;
    if (S.kind == Step::Kind::ToolCall) {
      if (const json::Object *Result = X.result->getAsObject())
        IsError = Result->getBoolean("isError").value_or(false);
      Value = toolResultValue(*X.result);
    }
    if (S.expect && !matchesExpectation(*S.expect, Value)) {
      std::string Detail = "expected " + brief(*S.expect, 80) + ", got " + brief(Value, 100);
      if (KillRoundKilled() || SessionLosses)
        return {Outcome::DataLost, Detail};
      return {Outcome::Error, Detail + " (before any kill or lost session)"};
    }
    if (IsError)
      return {Outcome::Error, "the tool failed: " + brief(Value, 120)};
    return {Outcome::Ok, S.expect ? "as expected" : ""};
  }

  bool KillRoundKilled() const { return CurrentRound == Round::Kill && R.kill.done; }

  static std::string writerName(const Step &S) {
    return S.kind == Step::Kind::ToolCall ? "tools/call " + S.target : S.target;
  }

  void runStep(std::optional<unsigned> Number, const Step &S) {
    judged(Number, S, exchange(S));
  }

  /// Records what exchange `X` of step `S` came to; a refusal is replayed on the instances
  /// that served the session before, to tell lost state from a plain error.
  void judged(std::optional<unsigned> Number, const Step &S, const Exchange &X) {
    std::string Name = Number ? S.name : S.target;
    if (X.status == Exchange::Status::Ok || X.status == Exchange::Status::NotOffered) {
      auto [Out, Detail] = judge(S, X);
      Loss L;
      if (Out == Outcome::DataLost && R.kill.done)
        L = Loss{R.kill.instance, writerOn(R.kill.instance)};
      recordStep(Number, S, Name, X, Out, Detail, L);
      return;
    }
    if (std::optional<std::pair<Loss, Exchange>> Held = findHolder(X)) {
      bool Session = X.status == Exchange::Status::SessionGone;
      if (Session)
        ++SessionLosses;
      auto [Out, Why] = judge(S, Held->second);
      std::string Detail = X.message + " on " + where(X) + "; " + Held->first.holder +
                           ", which served " + Held->first.writer + " in this session, " +
                           (Out == Outcome::Ok ? "answers it" : "answers: " + Why);
      recordStep(Number, S, Name, X, Session ? Outcome::SessionLost : Outcome::StateLost,
                 Detail, Held->first);
      return;
    }
    if (X.status == Exchange::Status::SessionGone) {
      sessionGone(Number, S, Name, X);
      return;
    }
    // Refused after the kill of the instance that served this same request before.
    if (KillRoundKilled() &&
        llvm::is_contained(Writes, std::make_pair(R.kill.instance, writerName(S)))) {
      recordStep(Number, S, Name, X, Outcome::StateLost,
                 X.message + " on " + where(X) + "; " + R.kill.instance +
                     " (killed) served it before",
                 Loss{R.kill.instance, writerOn(R.kill.instance)});
      return;
    }
    recordStep(Number, S, Name, X, Outcome::Error, X.message);
  }

  void recordStep(std::optional<unsigned> Number, const Step &S, const std::string &Name,
                  const Exchange &X, Outcome Out, std::string Detail, const Loss &L = Loss()) {
    record(Number, Name, X, Out, std::move(Detail), L);
    if (Out == Outcome::Ok && !X.instance.empty())
      Writes.back().second = writerName(S);
  }

  /// The server says the session is gone and no instance that served it answers: start a new
  /// one, as the specification asks, and try the step once more in it.
  void sessionGone(std::optional<unsigned> Number, const Step &S, const std::string &Name,
                   const Exchange &X) {
    ++SessionLosses;
    Loss L;
    std::string Home = Session->home();
    for (const auto &[Instance, Method] : Writes)
      if (Method == "initialize" && Home.empty())
        Home = Instance;
    if (!Home.empty())
      L = Loss{Home, writerOn(Home)};
    std::string Detail = X.message;
    if (!Home.empty())
      Detail += "; the session was on " + Home + (isKilled(Home) ? " (killed)" : "");
    if (!reinitialize(Detail)) {
      record(Number, Name, X, Outcome::SessionLost, Detail, L);
      return;
    }
    Exchange Again = exchange(S);
    if (Again.status == Exchange::Status::SessionGone) {
      ++SessionLosses;
      Detail += "; the retry on " + where(Again) + " lost it again";
    } else {
      auto [Out, Why] = judge(S, Again);
      Detail += "; the retry on " + where(Again) + ": " + outcomeName(Out).str() +
                (Why.empty() ? "" : " (" + Why + ")");
      if (!Again.instance.empty())
        LastInstance = Again.instance;
    }
    record(Number, Name, X, Outcome::SessionLost, Detail, L);
  }

  /// SIGKILL to the instance that served the session's last exchange (the HTTP+SSE stream's
  /// instance, when the transport ties the session to one), then until the balancer has
  /// noticed. False when the run cannot go on.
  bool killServingInstance(unsigned BeforeStep) {
    std::string Target = Session->home().empty() ? LastInstance : Session->home();
    auto It = llvm::find_if(Instances, [&](const Instance &In) { return In.name == Target; });
    if (It == Instances.end()) {
      R.stopped = "no response named the instance that served the session (the balancer's " +
                  std::string(InstanceHeader) + " header was missing), so none could be killed";
      return false;
    }
    P.signal(It->pid, SIGKILL);
    R.kill.done = true;
    R.kill.beforeStep = BeforeStep;
    R.kill.instance = It->name;
    R.kill.pid = int(It->pid);
    auto Start = Clock::now();
    while (Clock::now() - Start < milliseconds(10000)) {
      if (Supervisor::interrupted())
        return false;
      std::map<std::string, std::string> Status = serverStatus();
      auto S = Status.find(It->name);
      if (S != Status.end() && llvm::StringRef(S->second).starts_with("DOWN")) {
        R.kill.noticed = true;
        break;
      }
      sleepFor(milliseconds(50));
    }
    R.kill.noticedMs = unsigned(
        std::chrono::duration_cast<milliseconds>(Clock::now() - Start).count());
    P.running(It->pid); // reap it
    P.adoptStrays();
    say("killed " + It->name + " (pid " + std::to_string(It->pid) + ") before step " +
        std::to_string(BeforeStep));
    return true;
  }

  const ChaosOptions &O;
  Supervisor &P;
  ChaosResult R;
  std::vector<Instance> Instances;
  pid_t Balancer = 0;
  unsigned LbPort = 0, RoundRobinPort = 0, StatsPort = 0;
  std::unique_ptr<McpSession> Session;
  std::optional<Transport> Chosen;   // the transport in use, once known
  Round CurrentRound = Round::Kill;
  std::vector<std::pair<std::string, std::string>> Writes; // instance, request: what the session's ok exchanges were
  std::string LastInstance;
  unsigned SessionLosses = 0;
};

} // namespace

/// A path goes into HAProxy's configuration and into request lines: one printable token, or
/// HAProxy fails only once the instances are up (or a check is mistaken for the server's
/// fault).
static llvm::Error checkHttpPath(llvm::StringRef Option, llvm::StringRef Path) {
  for (size_t I = 0; I < Path.size(); ++I) {
    unsigned char C = static_cast<unsigned char>(Path[I]);
    if (C > ' ' && C != 0x7f)
      continue;
    std::string What = C == ' ' ? "a space" : "control character 0x" + llvm::utohexstr(C);
    return fail(Option + ": an HTTP path has no spaces or control characters (character " +
                std::to_string(I + 1) + " is " + What + "; percent-encode it)");
  }
  return llvm::Error::success();
}

llvm::Error validateOptions(ChaosOptions &O) {
  if (O.server.find("{port}") == std::string::npos)
    return fail("--server: the command must contain {port}, where each instance gets its own "
                "port (e.g. --server './my-server --port {port}')");
  if (O.instances < 2 || O.instances > 16)
    return fail("--instances: " + std::to_string(O.instances) +
                " is out of range (2 to 16: one instance is killed, another must take over)");
  if (O.steps.empty())
    return fail("no steps to run");
  if (O.killAt == 0)
    O.killAt = unsigned(O.steps.size() / 2 + 1);
  if (O.killAt > O.steps.size())
    return fail("--kill-at " + std::to_string(O.killAt) + ": there are only " +
                std::to_string(O.steps.size()) + " steps (the kill happens before step N)");
  if (!O.mcpPath.empty() && !llvm::StringRef(O.mcpPath).starts_with("/"))
    return fail("--mcp-path must start with '/'");
  if (!O.healthPath.empty() && !llvm::StringRef(O.healthPath).starts_with("/"))
    return fail("--health must start with '/'");
  if (llvm::Error E = checkHttpPath("--health", O.healthPath))
    return E;
  if (llvm::Error E = checkHttpPath("--mcp-path", O.mcpPath))
    return E;
  return llvm::Error::success();
}

static unsigned anyLoopbackPort();

std::string instanceCommand(llvm::StringRef Command, unsigned Port, llvm::StringRef Name) {
  std::string Out;
  llvm::StringRef Rest = Command;
  while (!Rest.empty()) {
    if (Rest.consume_front("{port}"))
      Out += std::to_string(Port);
    else if (Rest.consume_front("{instance}"))
      Out += Name.str();
    else {
      Out += Rest.front();
      Rest = Rest.drop_front();
    }
  }
  return Out;
}

unsigned freeLoopbackPort() {
  // Ports handed out before by this run: the kernel may offer a released one again.
  static std::set<unsigned> Given;
  for (int Try = 0; Try < 20; ++Try) {
    unsigned Port = anyLoopbackPort();
    if (Port && Given.insert(Port).second)
      return Port;
  }
  return 0;
}

static unsigned anyLoopbackPort() {
  int Fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (Fd < 0)
    return 0;
  sockaddr_in A{};
  A.sin_family = AF_INET;
  A.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  A.sin_port = 0;
  socklen_t Len = sizeof A;
  unsigned Port = 0;
  if (::bind(Fd, reinterpret_cast<sockaddr *>(&A), sizeof A) == 0 &&
      ::getsockname(Fd, reinterpret_cast<sockaddr *>(&A), &Len) == 0)
    Port = ntohs(A.sin_port);
  ::close(Fd);
  return Port;
}

llvm::Expected<ChaosResult> runChaos(const ChaosOptions &Options, Supervisor &Processes) {
  return Run(Options, Processes).go();
}

} // namespace sa::chaos
