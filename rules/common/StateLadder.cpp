#include "rules/common/StateLadder.h"

#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <set>

namespace sa {

namespace {

bool nameMentionsSession(llvm::StringRef S) { return S.contains_insensitive("session"); }

/// A type names sessions when one of its own names does: `std::map<std::string, Session>`,
/// not `session::Role` (a namespace) or `lifecycle::SessionRole`'s namespace qualifiers.
bool typeMentionsSession(llvm::StringRef Type) {
  std::string Unqualified;
  for (size_t I = 0; I < Type.size();) {
    size_t J = I;
    while (J < Type.size() && (isalnum(static_cast<unsigned char>(Type[J])) || Type[J] == '_'))
      ++J;
    if (J > I) {
      if (!Type.substr(J).starts_with("::"))
        Unqualified += Type.substr(I, J - I).str() + " ";
      I = J;
    } else {
      ++I;
    }
  }
  return nameMentionsSession(Unqualified);
}

void addElementEvidence(const Program &P, const StateDecl &D, std::vector<Evidence> &Out) {
  const RecordFact *E = P.record(D.elementRecord);
  if (!E || E->fieldNames.empty())
    return;
  std::string Fields;
  for (const std::string &N : E->fieldNames)
    Fields += (Fields.empty() ? "" : ", ") + N;
  Out.push_back({"holds " + E->name + " objects (fields: " + Fields + ")", E->loc});
}

bool isScalar(TypeShape S) {
  return S == TypeShape::Integer || S == TypeShape::Floating || S == TypeShape::Boolean ||
         S == TypeShape::Atomic || S == TypeShape::Other;
}

} // namespace

std::string statePhrase(const StateDecl &D, bool Background) {
  std::string Q = "'" + D.name + "'";
  if (D.threadLocal)
    return "thread_local " + Q;
  const char *Into = Background ? "background work" : "a handler";
  switch (D.kind) {
  case StateKind::Global: return "mutable global " + Q;
  case StateKind::StaticLocal: return "function-local static " + Q;
  case StateKind::StaticMember: return "static data member " + Q;
  case StateKind::Field:
    return D.reference ? "field " + Q + " (a reference to state owned elsewhere) of a long-lived object"
                       : "field " + Q + " of a long-lived object";
  case StateKind::CapturedLocal:
    if (D.closureCopy)
      return std::string("closure state ") + Q + " of a " +
             (Background ? "background lambda" : "handler lambda");
    if (D.reference)
      return "parameter " + Q + " (a reference to its caller's state), captured by reference into " + Into + ",";
    return "local " + Q + ", captured by reference into " + std::string(Into) + ",";
  }
  return Q;
}

/// A keyed container whose key is a string: its entries are addressed by an id a client can
/// send (`connections[session_id]`), not by a connection handle or a number of this process.
static bool keyedByString(const StateDecl &D) {
  if (D.shape != TypeShape::KeyedContainer)
    return false;
  llvm::StringRef T(D.type);
  size_t Open = T.find('<');
  if (Open == llvm::StringRef::npos)
    return false;
  llvm::StringRef Key = T.drop_front(Open + 1);
  int Depth = 0;
  for (size_t I = 0; I < Key.size(); ++I) {
    if (Key[I] == '<')
      ++Depth;
    else if (Key[I] == '>')
      --Depth;
    else if (Key[I] == ',' && Depth == 0)
      return Key.take_front(I).contains("string");
  }
  return false;
}

const StateVerdict *JudgeContext::verdict(const std::string &StateId) {
  auto It = Verdicts.find(StateId);
  if (It == Verdicts.end()) {
    const StateUse *U = M.use(StateId);
    It = Verdicts.emplace(StateId, U ? computeVerdict(*U) : std::nullopt).first;
  }
  return It->second ? &*It->second : nullptr;
}

bool JudgeContext::ownedBySessionRule(const std::string &StateId) {
  const StateVerdict *V = verdict(StateId);
  return V && V->perSession && (V->level == Level::Error || V->level == Level::Warning);
}

bool JudgeContext::isSessionState(const StateUse &U) const {
  const StateDecl &D = *U.decl;
  // A thread_local named after the session is usually the current request's context; it holds
  // per-session data only when it is keyed by a session id.
  if (!D.threadLocal && (nameMentionsSession(shortName(D.name)) || typeMentionsSession(D.type)))
    return true;
  if (const RecordFact *E = M.program().record(D.elementRecord); E && nameMentionsSession(E->name))
    return true;
  for (const Access *A : U.accesses)
    if (A->sessionKeyed)
      return true;
  return false;
}

/// A request function reads it that neither writes it nor is called by a writer: the value
/// travels from one request to another through the thread.
bool JudgeContext::carriedBetweenRequests(const StateUse &U) const {
  std::set<std::string> Writers, Downstream;
  for (const Access *A : U.accesses)
    if (isWrite(A->kind) && M.phaseOf(*A) == Phase::Request)
      Writers.insert(A->function);
  for (const std::string &W : Writers)
    for (const std::string &C : M.calleesOf(W))
      Downstream.insert(C);
  for (const Access *A : U.accesses)
    if ((A->kind == AccessKind::Read || A->kind == AccessKind::Lookup) &&
        M.phaseOf(*A) == Phase::Request && !Downstream.count(A->function))
      return true;
  return false;
}

void JudgeContext::addWriteEvidence(const StateDecl &D, const std::vector<const Access *> &Writes,
                                    Phase Ph, StateVerdict &V) const {
  std::set<std::string> Functions;
  for (const Access *A : Writes) {
    if (!Functions.insert(A->function).second)
      continue;
    if (Functions.size() > 3)
      break;
    const char *How = Ph == Phase::Request         ? "written while serving: "
                      : Ph == Phase::Startup       ? "set at start-up: "
                      : Ph == Phase::Background    ? "written by background work: "
                      : Ph == Phase::Construction  ? "set while the object is built: "
                      : Ph == Phase::Configuration ? "set through the set-up API: "
                      : Ph == Phase::Teardown      ? "written when the server stops: "
                                                   : "written here: ";
    V.evidence.push_back({How + M.chainText(A->function, Ph, describeAccess(D, *A)), A->loc});
    if (Ph == Phase::Request)
      if (const EntryPoint *E = M.entryOfChain(A->function))
        V.evidence.push_back({"request entry point: " + E->description, E->loc});
  }
}

std::optional<StateVerdict> JudgeContext::computeVerdict(const StateUse &U) const {
  const StateDecl &D = *U.decl;
  if (isNotState(D.shape))
    return std::nullopt; // a mutex guards state and a Redis client reaches it; neither is state
  if (!M.accessorsOf(D.id).empty())
    return std::nullopt; // reported through its accessor and its fields
  if (D.kind == StateKind::Field && !M.isLongLived(D.owner))
    return std::nullopt; // a field of objects that live for one request, or of unknown lifetime
  if (D.kind == StateKind::Field && M.isPoolRecord(D.owner))
    return std::nullopt; // a connection pool's own bookkeeping: reported as the pool
  if (D.kind == StateKind::Field && M.isInfrastructure(D.owner))
    return std::nullopt; // a worker pool's threads and queue, a logger's sinks: the process's machinery
  if (D.kind == StateKind::Field && M.writesFiles(D.owner) &&
      (isScalar(D.shape) || D.shape == TypeShape::Stream))
    return std::nullopt; // a file sink's stream, sizes and times: reported as the file it writes
  if (D.kind == StateKind::CapturedLocal && M.phaseOf(D.owner) == Phase::Request)
    return std::nullopt; // a local of request code: per request

  std::vector<const Access *> Writes = M.writesOf(U);
  // Lead with the plainest writes: an assignment or an insert says more than a reference
  // handed to a callee.
  std::stable_sort(Writes.begin(), Writes.end(), [](const Access *A, const Access *B) {
    return (A->kind == AccessKind::RefArg) < (B->kind == AccessKind::RefArg);
  });
  std::map<Phase, std::vector<const Access *>> ByPhase;
  for (const Access *A : Writes)
    ByPhase[M.phaseOf(*A)].push_back(A);
  std::vector<const Access *> Escapes, Binds;
  for (const Access *A : U.accesses) {
    if (A->kind == AccessKind::Escape)
      Escapes.push_back(A);
    if (A->kind == AccessKind::Bind)
      Binds.push_back(A);
  }
  bool ProjectObject = D.shape == TypeShape::Object && M.program().record(D.typeRecord);

  StateVerdict V;
  V.usage = usageOf(U, ByPhase[Phase::Request], Writes);
  V.usage.session = isSessionState(U);
  V.usage.threadLocal = D.threadLocal;
  V.perSession = V.usage.session;
  addElementEvidence(M.program(), D, V.evidence);
  const StateUsage &Usage = V.usage;

  if (!ByPhase[Phase::Request].empty()) {
    const Access &First = *ByPhase[Phase::Request].front();
    V.phase = Phase::Request;
    V.requestWritten = true;
    V.chain = M.chainText(First.function, Phase::Request, describeAccess(D, First));
    V.flow = M.chainSteps(First.function, Phase::Request, "writes " + describeAccess(D, First),
                          First.loc);
    const std::string &Chain = V.chain;
    V.level = Level::Error;
    // A number only counted is a metric even when it counts sessions (`sessions_total++`);
    // comparisons with a per-instance cap aside, it decides nothing.
    if (Usage.metric && Usage.capped) {
      V.level = Level::Note;
      V.message = statePhrase(D) + " counts this instance's work while serving requests (" +
                  Chain + ") and is only compared with a per-instance cap: instance-local by "
                  "nature (the cap is reported on its own)";
    } else if (Usage.gauge) {
      V.level = Level::Note;
      V.message = statePhrase(D) + " is counted up and down while serving requests (" + Chain +
                  "): a gauge of this instance's own work, a per-instance metric";
    } else if (Usage.counterBlock) {
      V.level = Level::Note;
      V.message = statePhrase(D) + " is a block of counters, counted while serving requests (" +
                  Chain + ") and read back as this instance's own statistics: a per-instance "
                  "metric (each instance reports its own; sum them in the metrics system)";
    } else if (Usage.metric) {
      V.level = Level::Note;
      V.message = statePhrase(D) + " counts while serving requests (" + Chain +
                  ") and never decides a response: a per-instance metric";
    } else if (Usage.session) {
      // session-state words it.
    } else if (D.threadLocal && carriedBetweenRequests(U)) {
      V.message = statePhrase(D) + " is written while serving one request (" + Chain +
                  ") and read by another: requests land on arbitrary threads and "
                  "instances, so the reader sees whatever its thread served last";
    } else if (D.threadLocal) {
      V.level = Level::Note;
      V.message = statePhrase(D) + " is written while serving requests (" + Chain +
                  "): per-thread scratch space or cache, instance-local by nature; a later "
                  "request may run on another thread or instance and must not rely on it";
    } else if (Usage.idCounter) {
      V.level = Level::Note;
      V.message = statePhrase(D) + " hands out the next number while serving requests (" +
                  Chain + "): an id sequence, unique on this instance only; ids that leave "
                  "the instance (sessions, streams) must come from a shared sequence or be UUIDs";
    } else if (Usage.workQueue) {
      V.level = Level::Note;
      V.message = statePhrase(D) + " is a work queue: requests add to it (" + Chain +
                  ") and a worker takes the work off; it holds work in flight, not data a "
                  "later request reads (queued work is lost if the instance stops)";
    } else if (Usage.cache && Usage.cacheOfDerivedData) {
      V.level = Level::Note;
      V.message = statePhrase(D) + " is a cache filled while serving requests (" + Chain +
                  ") with values derived from data that does not change: each instance "
                  "keeps its own, which is only an optimisation";
    } else if (D.kind == StateKind::CapturedLocal) {
      V.message = statePhrase(D) + " is written while serving requests (" + Chain +
                  "); every request this instance serves shares it, other instances have "
                  "their own";
    } else {
      V.message = statePhrase(D) + " is written while serving requests (" + Chain +
                  "); each instance behind a load balancer keeps its own copy, so requests "
                  "served by another instance do not see the change";
    }
    addWriteEvidence(D, ByPhase[Phase::Request], Phase::Request, V);
  } else if (D.kind == StateKind::CapturedLocal && ByPhase[Phase::Background].empty()) {
    return std::nullopt; // captured locals matter only when a handler or background work writes them
  } else if (!Escapes.empty() && D.kind != StateKind::CapturedLocal) {
    V.level = Level::Warning;
    V.phase = Phase::Unplaced;
    V.message = "the address of " + statePhrase(D) + " is taken in " +
                M.functionName(Escapes.front()->function) +
                " and kept where the analysis cannot follow; writes through it cannot be "
                "placed on a request path or at start-up";
    for (const Access *A : Escapes)
      V.evidence.push_back({"address taken here, in " + M.functionName(A->function), A->loc});
    const Access &First = *Escapes.front();
    V.flow = M.chainSteps(First.function, M.phaseOf(First.function),
                          "takes the address: " + describeAccess(D, First), First.loc);
  } else if ((Usage.metric || Usage.idCounter) && (!ByPhase[Phase::Background].empty() ||
                                                   !ByPhase[Phase::Unplaced].empty())) {
    Phase Ph = ByPhase[Phase::Background].empty() ? Phase::Unplaced : Phase::Background;
    const Access &First = *ByPhase[Ph].front();
    V.level = Level::Note;
    V.phase = Ph;
    std::string Where = M.chainText(First.function, Ph, describeAccess(D, First));
    V.message = Usage.metric
                    ? statePhrase(D, Ph == Phase::Background) + " only counts (" + Where +
                          ") and never decides anything: a per-instance metric"
                    : statePhrase(D, Ph == Phase::Background) + " hands out the next number (" +
                          Where + "): an id sequence, unique on this instance only";
    V.flow = M.chainSteps(First.function, Ph, "writes " + describeAccess(D, First), First.loc);
    addWriteEvidence(D, ByPhase[Ph], Ph, V);
  } else if (Usage.lifecycleFlag &&
             (!ByPhase[Phase::Background].empty() || !ByPhase[Phase::Unplaced].empty())) {
    Phase Ph = ByPhase[Phase::Background].empty() ? Phase::Unplaced : Phase::Background;
    const Access &First = *ByPhase[Ph].front();
    V.level = Level::Note;
    V.phase = Ph;
    V.message = statePhrase(D, Ph == Phase::Background) + " is a lifecycle flag (" +
                M.chainText(First.function, Ph, describeAccess(D, First)) +
                "): it says whether this instance's own work runs, not data a request leaves "
                "for the next one";
    V.flow = M.chainSteps(First.function, Ph, "writes " + describeAccess(D, First), First.loc);
    addWriteEvidence(D, ByPhase[Ph], Ph, V);
  } else if (!ByPhase[Phase::Background].empty()) {
    V.level = Level::Warning;
    V.phase = Phase::Background;
    const Access &First = *ByPhase[Phase::Background].front();
    V.message = statePhrase(D, /*Background=*/true) +
                " is written by background work started at start-up (" +
                M.chainText(First.function, Phase::Background, describeAccess(D, First)) +
                "): per-instance state that changes while serving";
    V.flow = M.chainSteps(First.function, Phase::Background,
                          "writes " + describeAccess(D, First), First.loc);
    addWriteEvidence(D, ByPhase[Phase::Background], Phase::Background, V);
  } else if (!ByPhase[Phase::Unplaced].empty()) {
    V.level = Level::Warning;
    V.phase = Phase::Unplaced;
    const Access &First = *ByPhase[Phase::Unplaced].front();
    V.message = statePhrase(D) + " is written in " + M.functionName(First.function) +
                ", which is reached neither from a recognised request handler nor from "
                "main(); whether it runs while serving could not be determined";
    V.flow = M.chainSteps(First.function, Phase::Unplaced,
                          "writes " + describeAccess(D, First), First.loc);
    addWriteEvidence(D, ByPhase[Phase::Unplaced], Phase::Unplaced, V);
  } else if (!ByPhase[Phase::Startup].empty()) {
    V.level = Level::Note;
    V.phase = Phase::Startup;
    const Access &First = *ByPhase[Phase::Startup].front();
    V.message = statePhrase(D) + " is set only at start-up (" +
                M.chainText(First.function, Phase::Startup, describeAccess(D, First)) +
                "): start-up configuration, the same on every instance started with the "
                "same configuration";
    V.flow = M.chainSteps(First.function, Phase::Startup,
                          "writes " + describeAccess(D, First), First.loc);
    addWriteEvidence(D, ByPhase[Phase::Startup], Phase::Startup, V);
  } else if (!ByPhase[Phase::Configuration].empty() || !ByPhase[Phase::Construction].empty() ||
             !ByPhase[Phase::Teardown].empty()) {
    Phase Ph = !ByPhase[Phase::Configuration].empty() ? Phase::Configuration
               : !ByPhase[Phase::Construction].empty() ? Phase::Construction
                                                        : Phase::Teardown;
    const Access &First = *ByPhase[Ph].front();
    std::string Where = M.chainText(First.function, Ph, describeAccess(D, First));
    V.level = Level::Note;
    V.phase = Ph;
    switch (Ph) {
    case Phase::Configuration:
      V.message = statePhrase(D) + " is filled through the set-up API (" + Where +
                  ") that no request calls; requests only read it: configuration, the same "
                  "on every instance that runs the same set-up";
      break;
    case Phase::Construction:
      V.message = statePhrase(D) + " is set while its object is built (" + Where +
                  ") and only read while serving: fixed for the object's life";
      break;
    default:
      V.message = statePhrase(D) + " is written only when the server stops or on a signal (" +
                  Where + "): nothing is served from it afterwards";
      break;
    }
    V.flow = M.chainSteps(First.function, Ph, "writes " + describeAccess(D, First), First.loc);
    addWriteEvidence(D, ByPhase[Ph], Ph, V);
  } else {
    // Never written after initialisation. A field or an object changed only through its own
    // methods is judged by its fields; anything else could be const.
    if (D.kind == StateKind::Field || (ProjectObject && !Binds.empty()))
      return std::nullopt;
    V.level = Level::Note;
    if (D.reference || D.isConst) {
      V.message = statePhrase(D) + " is never written through after initialisation, but " +
                  (D.reference ? "refers to" : "gives access to") +
                  " mutable data: it could be made const all the way down";
      V.hint = D.reference                      ? "make it a reference to const"
               : D.shape == TypeShape::Object ? "make its mutable members const, or drop them"
                                              : "make what it points to const";
    } else {
      V.message = statePhrase(D) + " is never written after initialisation: it could be const";
      V.hint = "declare it const (or constexpr) so that it stays safe to share between "
               "instances";
    }
  }
  // A live connection, socket or listener is bound to this instance by the transport: no
  // shared store can hold one, and the load balancer keeps each connection on the instance that
  // accepted it. A table of them keyed by session is session state (session-state words it).
  if (V.level != Level::Note && !Usage.session && M.holdsConnections(D) &&
      !keyedByString(D)) {
    V.level = Level::Note;
    V.message = statePhrase(D, V.phase == Phase::Background) +
                " holds live connections, sockets or listeners (" + D.type + ") and changes " +
                (V.chain.empty() ? std::string("while the server runs")
                                 : "while serving (" + V.chain + ")") +
                ": the transport binds each to the instance that accepted it, and nothing here "
                "outlives its connection";
    V.hint = "nothing to move: a connection lives on one instance by nature. Keep what a "
             "session needs beyond one connection (its state, its undelivered messages) in the "
             "shared store, keyed by session id, so a client reconnecting to another instance "
             "can resume";
  }
  if (V.hint.empty())
    V.hint = stateHint(D, Usage);
  return V;
}

Finding stateFinding(RuleId Rule, const StateDecl &D, const StateVerdict &V) {
  Finding F;
  F.rule = ruleId(Rule);
  F.level = V.level;
  F.loc = D.loc;
  F.symbol = D.name;
  F.type = D.type;
  F.stateId = D.id;
  F.message = V.message;
  F.hint = V.hint;
  F.evidence = V.evidence;
  F.flow = V.flow;
  return F;
}

void capFindings(RuleId Rule, const Model &M, const StateUse &U, std::vector<Finding> &Out) {
  const StateDecl &D = *U.decl;
  std::set<std::string> Seen;
  for (const Access *A : U.accesses) {
    if (A->kind != AccessKind::LimitCheck || !Seen.insert(A->cap).second)
      continue;
    Finding F;
    F.rule = ruleId(Rule);
    F.level = Level::Note;
    F.loc = A->loc;
    F.symbol = D.name + " cap " + A->cap;
    F.type = D.type;
    F.stateId = D.id;
    F.message = "'" + A->cap + "' caps '" + D.name + "' per instance (in " +
                M.functionName(A->function) + "): with N instances behind the load balancer "
                "the cluster admits N × " + A->cap + ", and one instance may refuse what "
                "another would accept";
    F.hint = "size the cap for the cluster (the per-instance cap times the maximum number of "
             "instances), or enforce it in the shared store (a Redis counter with INCR/DECR)";
    Out.push_back(std::move(F));
  }
}

} // namespace sa
