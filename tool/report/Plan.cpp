#include "report/Plan.h"

#include "program/Model.h"
#include "report/MarkdownText.h"
#include "rules/common/Hints.h"
#include "rules/Registry.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <map>
#include <set>

namespace sa {

namespace {

/// "g_session_map" → "session-map", "Server::sessions_" → "sessions": a key prefix.
std::string keyName(const std::string &Qualified) {
  std::string S = shortName(Qualified);
  llvm::StringRef R(S);
  R.consume_front("g_");
  R.consume_front("s_");
  R.consume_front("m_");
  R = R.trim('_');
  std::string Out;
  for (char C : R) {
    if (isalnum(static_cast<unsigned char>(C)))
      Out += static_cast<char>(tolower(static_cast<unsigned char>(C)));
    else if (!Out.empty() && Out.back() != '-')
      Out += '-';
  }
  return Out.empty() ? "state" : Out;
}

void addPlace(std::vector<PlanPlace> &Into, const Model &M, const Access &A) {
  std::string Fn = M.functionName(A.function);
  for (const PlanPlace &P : Into)
    if (P.function == Fn)
      return;
  if (Into.size() < 6)
    Into.push_back({Fn, A.loc});
}

/// Where an item goes and how it is keyed, from what it is.
void design(const Finding &F, const StateDecl *D, PlanItem &I) {
  std::string K = keyName(F.symbol);
  if (F.rule == ruleId(RuleId::FileWrite)) {
    I.store = "object storage";
    I.keys = "objects under a prefix per kind of file (s3://<bucket>/" + K +
             "/<id>); logs go to stdout instead";
    return;
  }
  if (F.rule == ruleId(RuleId::ConnectionPool)) {
    I.store = "connection budget";
    I.keys = "no key: size the pool from configuration so that max-instances × the pools of "
             "its downstream stay below the limit, or share a pooler (PgBouncer)";
    return;
  }
  if (D && !heldResource(*D).empty()) {
    I.store = "job queue";
    I.keys = "a stream of job descriptions (XADD jobs:" + K +
             " * kind <k> args <json>; consumers read with XREADGROUP), and the job's status and "
             "result in a hash job:{id} (HSET status/result, EXPIRE)";
    return;
  }
  bool Session = F.rule == ruleId(RuleId::SessionState);
  TypeShape S = D ? D->shape : TypeShape::Other;
  if (Session && (S == TypeShape::Integer || S == TypeShape::Atomic)) {
    I.store = "UUIDs";
    I.keys = "no shared counter needed: session ids become random UUIDs (or INCR " + K +
             " on one shared key)";
    return;
  }
  if (Session) {
    I.store = "Redis hash per session";
    I.keys = "session:{id} (HSET session:{id} <field> <value> per field below; EXPIRE "
             "session:{id} <idle timeout> on every request)";
    return;
  }
  switch (S) {
  case TypeShape::KeyedContainer:
    I.store = "Redis hash";
    I.keys = K + ":{key} (one hash or string per entry: HSET/HGET/HDEL; EXPIRE if entries go "
                 "stale), or a table keyed like the map";
    return;
  case TypeShape::Set:
    I.store = "Redis set";
    I.keys = K + " (SADD/SREM/SISMEMBER), or a table with a unique key";
    return;
  case TypeShape::Sequence:
    I.store = "Redis stream";
    I.keys = K + " (XADD with MAXLEN, XRANGE to read back), or a table ordered by time";
    return;
  case TypeShape::Integer:
  case TypeShape::Atomic:
  case TypeShape::Floating:
    I.store = "Redis counter";
    I.keys = K + " (INCR/INCRBY; GET), or a database sequence";
    return;
  default:
    I.store = "Redis";
    I.keys = K + " (SET/GET, or a hash " + K + " with one field per member), or a database row";
    return;
  }
}

} // namespace

MigrationPlan buildPlan(const Program &P, const EntryPointOptions &Entries, const ScanReport &R) {
  MigrationPlan Plan;
  Model M(P, Entries);
  Plan.budgets = R.budgets;

  std::vector<const Finding *> Open;
  for (const Finding &F : R.findings)
    if (!F.suppressed && F.level != Level::Note)
      Open.push_back(&F);

  // What each session carries.
  std::set<std::string> Inventoried;
  for (const Finding *F : Open) {
    if (F->rule != ruleId(RuleId::SessionState) || !Inventoried.insert(F->stateId).second)
      continue;
    const StateDecl *D = P.state(F->stateId);
    const StateUse *U = M.use(F->stateId);
    if (!D || !U)
      continue;
    SessionInventory Inv{D->name, D->type, D->loc, "", {}};
    const RecordFact *E = P.record(D->elementRecord);
    if (E) {
      Inv.element = E->name;
      for (const std::string &Field : E->fieldNames) {
        PlanField PF{Field, "", {}, {}};
        for (const auto &[Id, S] : P.states)
          if (S.kind == StateKind::Field && S.owner == E->id && shortName(S.name) == Field) {
            PF.type = S.type;
            if (const StateUse *FU = M.use(Id))
              for (const Access *A : FU->accesses)
                addPlace(isWrite(A->kind) ? PF.writtenIn : PF.readIn, M, *A);
          }
        // Through the container: sessions_[id].field = ..., it->second.field
        for (const Access *A : U->accesses) {
          llvm::StringRef Path(A->path);
          if (!Path.contains("." + Field))
            continue;
          addPlace(isWrite(A->kind) ? PF.writtenIn : PF.readIn, M, *A);
        }
        Inv.fields.push_back(std::move(PF));
      }
    }
    if (Inv.fields.empty()) {
      PlanField PF{shortName(D->name), D->type, {}, {}};
      for (const Access *A : U->accesses)
        addPlace(isWrite(A->kind) ? PF.writtenIn : PF.readIn, M, *A);
      Inv.fields.push_back(std::move(PF));
    }
    Plan.sessions.push_back(std::move(Inv));
  }

  // The requests that break: entry points that write per-instance state, or read state that
  // requests write.
  std::map<std::string, BreakingRequest> Requests;
  auto Entry = [&](const std::string &Fn) -> BreakingRequest * {
    if (M.phaseOf(Fn) != Phase::Request)
      return nullptr;
    const EntryPoint *E = M.entryOfChain(Fn);
    if (!E)
      return nullptr;
    BreakingRequest &B = Requests[E->description];
    B.entry = E->description;
    B.loc = E->loc;
    return &B;
  };
  auto AddOnce = [](std::vector<std::string> &V, const std::string &S) {
    for (const std::string &X : V)
      if (X == S)
        return;
    V.push_back(S);
  };
  for (const Finding *F : Open) {
    if (F->level != Level::Error || F->stateId.empty())
      continue;
    const StateUse *U = M.use(F->stateId);
    if (!U)
      continue;
    for (const Access *A : U->accesses)
      if (BreakingRequest *B = Entry(A->function))
        AddOnce(isWrite(A->kind) ? B->writes : B->reads, F->symbol);
  }
  for (const Finding *F : Open)
    if (F->level == Level::Error && F->rule == ruleId(RuleId::FileWrite) && !F->flow.empty()) {
      llvm::StringRef First = F->flow.front().message;
      if (First.consume_front("request entry point: ")) {
        BreakingRequest &B = Requests[First.str()];
        B.entry = First.str();
        B.loc = F->flow.front().loc;
        AddOnce(B.writes, "a local file (" + F->symbol + ")");
      }
    }
  for (auto &[Name, B] : Requests)
    Plan.requests.push_back(std::move(B));

  // The order: sessions first (they pin clients to an instance), then the rest of the state
  // requests write, files, work held in the process, what could not be placed, the budget.
  PlanStep Steps[6] = {
      {"Move the session store out of the process",
       "per-session state pins every client to one instance (sticky sessions) and is lost "
       "with it; once sessions live in the shared store, any instance can serve any request",
       {}},
      {"Move the state requests write to the shared store",
       "each instance keeps its own copy: a request served by another instance does not see "
       "the write",
       {}},
      {"Move local files to object storage",
       "a file written on one instance cannot be read on another and disappears with it", {}},
      {"Take work out of the process",
       "threads, callables and sockets cannot be stored: keep the work stateless or put a "
       "description of it on a job queue any instance takes work from", {}},
      {"Place what could not be placed",
       "writes from background work or from code reached from no handler: decide whether "
       "they run while serving, then treat them like the steps above", {}},
      {"Size the connection pools for the cluster",
       "every instance opens every pool: the pools of one downstream, times max-instances, "
       "must stay below its connection limit", {}}};
  for (const Finding *F : Open) {
    const StateDecl *D = F->stateId.empty() ? nullptr : P.state(F->stateId);
    PlanItem I{F->rule, F->level, F->symbol, F->type, F->loc, "", "", F->hint, F->fingerprint};
    design(*F, D, I);
    size_t Step = F->rule == ruleId(RuleId::SessionState)     ? 0
                  : F->rule == ruleId(RuleId::ConnectionPool) ? 5
                  : I.store == "job queue"                    ? 3
                  : F->rule == ruleId(RuleId::FileWrite)      ? (F->level == Level::Error ? 2 : 4)
                  : F->rule == ruleId(RuleId::Suppression)    ? 6
                  : F->level == Level::Error                  ? 1
                                                              : 4;
    if (Step < 6)
      Steps[Step].items.push_back(std::move(I));
  }
  for (PlanStep &S : Steps)
    if (!S.items.empty())
      Plan.steps.push_back(std::move(S));

  // The chaos test: round-robin over two instances, no stickiness, one killed mid-session.
  std::vector<std::string> &C = Plan.chaosSteps;
  C.push_back("Start two instances (A and B) behind a round-robin load balancer with sticky "
              "sessions off, both configured with the shared store (Redis/the database).");
  C.push_back("Open a session through the load balancer (initialize), so that it is created on "
              "one instance.");
  for (const BreakingRequest &B : Plan.requests)
    C.push_back("Call " + B.entry + " so that consecutive calls alternate between A and B; "
                "expect every response to match a single-instance run" +
                (B.writes.empty() ? std::string()
                                  : " (it writes " + B.writes.front() +
                                        (B.writes.size() > 1 ? " and more" : "") + ")") +
                ".");
  C.push_back("Kill the instance that created the session in the middle of the session; the "
              "next requests, served by the other instance, must continue the session without "
              "an error and without losing data.");
  C.push_back("Restart every instance; sessions, data and queued work must still be there.");
  if (!Plan.budgets.empty())
    C.push_back("Scale to max-instances and check the downstream's open connections stay "
                "below its limit (for PostgreSQL: SELECT count(*) FROM pg_stat_activity).");
  return Plan;
}

namespace {

// Everything below comes from the scanned code: plain text goes through markdownText, code
// through markdownCode, or markdownCodeInCell inside a table (docs/formats: any file name).

/// "src/a.cpp:12" as code for a table cell.
std::string where(const SourceLoc &L) {
  return markdownCodeInCell(L.file + ":" + std::to_string(L.line));
}

std::string places(const std::vector<PlanPlace> &V) {
  std::string Out;
  for (const PlanPlace &P : V)
    Out += (Out.empty() ? "" : ", ") + markdownText(P.function) + " (" + where(P.loc) + ")";
  return Out.empty() ? "—" : Out;
}

/// Names as code spans in a table cell, or a dash.
std::string codeList(const std::vector<std::string> &V) {
  std::string Out;
  for (const std::string &S : V)
    Out += (Out.empty() ? "" : ", ") + markdownCodeInCell(S);
  return Out.empty() ? std::string("—") : Out;
}

void writeLocJson(llvm::json::OStream &J, const SourceLoc &L) {
  J.attribute("file", L.file);
  J.attribute("line", L.line);
}

void placesJson(llvm::json::OStream &J, llvm::StringRef Key, const std::vector<PlanPlace> &V) {
  J.attributeArray(Key, [&] {
    for (const PlanPlace &P : V)
      J.object([&] {
        J.attribute("function", P.function);
        writeLocJson(J, P.loc);
      });
  });
}

} // namespace

void writePlanMarkdown(llvm::raw_ostream &OS, const MigrationPlan &Plan) {
  OS << "# Migration plan\n\n";
  if (Plan.steps.empty()) {
    OS << "Nothing to migrate: no errors or warnings remain.\n";
    return;
  }
  OS << "## 1. What each session carries\n\n";
  if (Plan.sessions.empty())
    OS << "No per-session state was found in the process.\n\n";
  for (const SessionInventory &S : Plan.sessions) {
    OS << markdownCode(S.state) << " (" << markdownCode(S.type) << ", "
       << markdownCode(S.loc.file + ":" + std::to_string(S.loc.line)) << ")";
    if (!S.element.empty())
      OS << " holds one " << markdownCode(S.element) << " per session";
    OS << ":\n\n| field | type | written in | read in |\n|---|---|---|---|\n";
    for (const PlanField &F : S.fields)
      OS << "| " << markdownCodeInCell(F.name) << " | "
         << (F.type.empty() ? "—" : markdownCodeInCell(F.type)) << " | " << places(F.writtenIn)
         << " | " << places(F.readIn) << " |\n";
    OS << "\n";
  }
  OS << "## 2. Requests that break under round-robin\n\n";
  if (Plan.requests.empty())
    OS << "No request entry point writes or reads per-instance state.\n\n";
  else {
    OS << "| request | at | writes | reads |\n|---|---|---|---|\n";
    for (const BreakingRequest &B : Plan.requests)
      OS << "| " << markdownText(B.entry) << " | " << where(B.loc) << " | " << codeList(B.writes)
         << " | " << codeList(B.reads) << " |\n";
    OS << "\n";
  }
  OS << "## 3. Order of migration\n\n";
  unsigned N = 0;
  for (const PlanStep &S : Plan.steps) {
    std::string Why = S.why;
    Why[0] = static_cast<char>(toupper(static_cast<unsigned char>(Why[0])));
    OS << "### Step " << ++N << ": " << S.title << "\n\n" << Why << ".\n\n"
       << "| item | at | store | keys |\n|---|---|---|---|\n";
    for (const PlanItem &I : S.items)
      OS << "| " << markdownCodeInCell(I.what) << " (" << I.rule << ", " << toString(I.level)
         << ") | " << where(I.loc) << " | " << markdownText(I.store) << " | "
         << markdownText(I.keys) << " |\n";
    OS << "\n";
  }
  if (!Plan.budgets.empty()) {
    OS << "### Connection budget per downstream\n\n";
    writeBudgetTable(OS, Plan.budgets);
  }
  OS << "## 4. The chaos test that proves it\n\n";
  N = 0;
  for (const std::string &S : Plan.chaosSteps)
    OS << ++N << ". " << markdownText(S) << "\n"; // names handlers and state of the code
}

void writePlanJson(llvm::raw_ostream &OS, const MigrationPlan &Plan) {
  llvm::json::OStream J(OS, 2);
  J.object([&] {
    J.attribute("version", 1);
    J.attributeArray("sessions", [&] {
      for (const SessionInventory &S : Plan.sessions)
        J.object([&] {
          J.attribute("state", S.state);
          J.attribute("type", S.type);
          writeLocJson(J, S.loc);
          J.attribute("element", S.element);
          J.attributeArray("fields", [&] {
            for (const PlanField &F : S.fields)
              J.object([&] {
                J.attribute("name", F.name);
                J.attribute("type", F.type);
                placesJson(J, "writtenIn", F.writtenIn);
                placesJson(J, "readIn", F.readIn);
              });
          });
        });
    });
    J.attributeArray("requests", [&] {
      for (const BreakingRequest &B : Plan.requests)
        J.object([&] {
          J.attribute("entry", B.entry);
          writeLocJson(J, B.loc);
          J.attributeArray("writes", [&] {
            for (const std::string &S : B.writes)
              J.value(S);
          });
          J.attributeArray("reads", [&] {
            for (const std::string &S : B.reads)
              J.value(S);
          });
        });
    });
    J.attributeArray("steps", [&] {
      for (const PlanStep &S : Plan.steps)
        J.object([&] {
          J.attribute("title", S.title);
          J.attribute("why", S.why);
          J.attributeArray("items", [&] {
            for (const PlanItem &I : S.items)
              J.object([&] {
                J.attribute("rule", I.rule);
                J.attribute("level", toString(I.level));
                J.attribute("what", I.what);
                J.attribute("type", I.type);
                writeLocJson(J, I.loc);
                J.attribute("store", I.store);
                J.attribute("keys", I.keys);
                J.attribute("hint", I.hint);
                J.attribute("fingerprint", I.fingerprint);
              });
          });
        });
    });
    J.attributeArray("downstreams", [&] {
      for (const DownstreamBudget &B : Plan.budgets)
        J.object([&] {
          J.attribute("name", B.name);
          J.attribute("pools", budgetPools(B));
          J.attribute("budget", budgetVerdict(B));
          J.attribute("largestSafeSizes", budgetSafeSizes(B));
        });
    });
    J.attributeArray("chaosTest", [&] {
      for (const std::string &S : Plan.chaosSteps)
        J.value(S);
    });
  });
  OS << "\n";
}

} // namespace sa
