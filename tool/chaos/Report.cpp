#include "chaos/Report.h"

#include "support/Output.h"
#include "support/Untrusted.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <map>

namespace sa::chaos {
namespace json = llvm::json;

static const char *const TooLargeReport = "too large for a scan report (at most 32 MiB)";

llvm::StringRef outcomeName(Outcome O) {
  switch (O) {
  case Outcome::Ok:
    return "ok";
  case Outcome::SessionLost:
    return "session lost";
  case Outcome::StateLost:
    return "state lost";
  case Outcome::DataLost:
    return "data lost";
  case Outcome::Error:
    return "error";
  }
  return "error";
}

namespace {

struct Counts {
  unsigned ok = 0, sessionLost = 0, stateLost = 0, dataLost = 0, error = 0;
  unsigned total() const { return ok + sessionLost + stateLost + dataLost + error; }
  unsigned lost() const { return sessionLost + stateLost + dataLost; }
};

/// The outcomes of the steps of `Only` (every round when none).
Counts count(const ChaosResult &R, std::optional<Round> Only = std::nullopt) {
  Counts C;
  for (const StepRecord &S : R.steps) {
    if (Only && S.round != *Only)
      continue;
    switch (S.outcome) {
    case Outcome::Ok:
      ++C.ok;
      break;
    case Outcome::SessionLost:
      ++C.sessionLost;
      break;
    case Outcome::StateLost:
      ++C.stateLost;
      break;
    case Outcome::DataLost:
      ++C.dataLost;
      break;
    case Outcome::Error:
      ++C.error;
      break;
    }
  }
  return C;
}

bool hasRound(const ChaosResult &R, Round Which) {
  return llvm::any_of(R.steps, [&](const StepRecord &S) { return S.round == Which; });
}

/// The instances that held what the lost steps of `Which` needed: "i0", "i0 and i2".
std::string holders(const ChaosResult &R, Round Which, Outcome Kind) {
  std::vector<std::string> Names;
  for (const StepRecord &S : R.steps)
    if (S.round == Which && S.outcome == Kind && !S.holder.empty() &&
        !llvm::is_contained(Names, S.holder))
      Names.push_back(S.holder);
  return llvm::join(Names, " and ");
}

/// What the steps of one round lost, e.g. "the session was lost 2 times (held by i0)".
std::string lossesIn(const ChaosResult &R, Round Which) {
  Counts C = count(R, Which);
  std::vector<std::string> Parts;
  auto HeldBy = [&](Outcome Kind) {
    std::string H = holders(R, Which, Kind);
    return H.empty() ? std::string() : " (held by " + H + ")";
  };
  if (C.sessionLost)
    Parts.push_back("the session was lost " + plural(C.sessionLost, "time", "times") +
                    HeldBy(Outcome::SessionLost));
  if (C.stateLost)
    Parts.push_back(plural(C.stateLost, "request", "requests") + " needed state held by " +
                    holders(R, Which, Outcome::StateLost));
  if (C.dataLost)
    Parts.push_back(plural(C.dataLost, "read", "reads") + " did not see an earlier write");
  return llvm::join(Parts, " and ");
}


llvm::StringRef balanceName(Balance B) {
  switch (B) {
  case Balance::Sticky:
    return "sticky";
  case Balance::Source:
    return "source";
  case Balance::RoundRobin:
    break;
  }
  return "round-robin";
}

llvm::StringRef verdictName(Verdict V) {
  switch (V) {
  case Verdict::Resumed:
    return "resumed";
  case Verdict::Lost:
    return "lost";
  case Verdict::Failed:
    return "failed";
  }
  return "failed";
}

} // namespace

Verdict verdict(const ChaosResult &R) {
  Counts C = count(R);
  if (C.lost())
    return Verdict::Lost;
  // A kill HAProxy never saw did not happen as far as the session is concerned (a server
  // that left its process group survives SIGKILL to it): nothing was tested.
  if (C.error || !R.stopped.empty() || !R.kill.done || !R.kill.noticed || C.total() == 0)
    return Verdict::Failed;
  return Verdict::Resumed;
}

int exitCode(const ChaosResult &R) { return verdict(R) == Verdict::Resumed ? 0 : 1; }

std::string summaryLine(const ChaosResult &R) {
  Counts C = count(R);
  std::string Tally = std::to_string(C.ok) + " ok, " + std::to_string(C.sessionLost) +
                      " session lost, " + std::to_string(C.stateLost) + " state lost, " +
                      std::to_string(C.dataLost) + " data lost, " + std::to_string(C.error) +
                      " error";
  std::string Kill = R.kill.done ? "the kill of " + R.kill.instance : "no kill";
  switch (verdict(R)) {
  case Verdict::Resumed:
    return "resumed: the session survived " + Kill + " with no data lost (" +
           plural(C.total(), "exchange", "exchanges") + ": " + Tally + ")";
  case Verdict::Lost: {
    if (!hasRound(R, Round::RoundRobin))
      return "lost: " + lossesIn(R, Round::Kill) + " (" + Kill + "; " + Tally + ")";
    std::vector<std::string> Parts;
    if (count(R, Round::RoundRobin).lost())
      Parts.push_back("under round-robin with no kill, " + lossesIn(R, Round::RoundRobin));
    if (count(R, Round::Kill).lost())
      Parts.push_back("in the " + balanceName(R.balance).str() + " round with " + Kill + ", " +
                      lossesIn(R, Round::Kill));
    return "lost: " + llvm::join(Parts, "; ") + " (" + Tally + ")";
  }
  case Verdict::Failed:
    break;
  }
  std::string Why =
      !R.stopped.empty() ? R.stopped
      : C.error          ? plural(C.error, "exchange", "exchanges") + " failed"
      : !R.kill.done     ? "the kill did not happen"
                         : "the kill of " + R.kill.instance + " did not take effect: HAProxy "
                           "still had it up " + std::to_string(R.kill.noticedMs) +
                           " ms after SIGKILL to its process group (a server that leaves its "
                           "group, e.g. by daemonising, survives it), so nothing was tested";
  return "failed: " + Why + " (" + Tally + ")";
}

llvm::Expected<std::vector<StaticFinding>> loadScanReport(llvm::StringRef Path) {
  auto Bad = [&](const llvm::Twine &Why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   Path.str() + ": " + Why.str());
  };
  llvm::sys::fs::file_status St;
  if (std::error_code EC = llvm::sys::fs::status(Path, St))
    return Bad("cannot read the scan report: " + EC.message());
  if (St.type() != llvm::sys::fs::file_type::regular_file)
    return Bad("not a regular file");
  if (St.getSize() > MaxScanReportBytes)
    return Bad(TooLargeReport);
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Buffer = llvm::MemoryBuffer::getFile(Path);
  if (!Buffer)
    return Bad("cannot read the scan report: " + Buffer.getError().message());
  return parseScanReport((*Buffer)->getBuffer(), Path);
}

llvm::Expected<std::vector<StaticFinding>> parseScanReport(llvm::StringRef Text,
                                                           llvm::StringRef Name) {
  auto Bad = [&](const llvm::Twine &Why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   Name.str() + ": " + Why.str());
  };
  if (Text.size() > MaxScanReportBytes)
    return Bad(TooLargeReport);
  llvm::Expected<json::Value> Doc = parseUntrustedJson(Text);
  if (!Doc)
    return Bad("not JSON (" + llvm::toString(Doc.takeError()) +
               "); pass a report of 'state-audit scan --format json'");
  const json::Object *Root = Doc->getAsObject();
  const json::Array *Findings = Root ? Root->getArray("findings") : nullptr;
  if (!Findings || Root->getInteger("version") != std::optional<int64_t>(1))
    return Bad("not a version 1 report of 'state-audit scan --format json' (no 'findings')");
  std::vector<StaticFinding> Out;
  for (const json::Value &V : *Findings) {
    const json::Object *F = V.getAsObject();
    if (!F)
      return Bad("a finding is not an object");
    if (F->getBoolean("suppressed").value_or(false))
      continue;
    StaticFinding S;
    S.rule = F->getString("rule").value_or("").str();
    S.level = F->getString("level").value_or("").str();
    S.file = F->getString("file").value_or("").str();
    S.symbol = F->getString("symbol").value_or("").str();
    S.message = F->getString("message").value_or("").str();
    S.line = unsigned(F->getInteger("line").value_or(0));
    if (const json::Array *Flow = F->getArray("flow"))
      for (const json::Value &Step : *Flow)
        if (const json::Object *O = Step.getAsObject())
          S.flow.push_back(O->getString("message").value_or("").str());
    if (S.rule.empty() || S.file.empty())
      return Bad("a finding has no 'rule' or 'file'");
    Out.push_back(std::move(S));
  }
  return Out;
}

namespace {

/// The word of a request that names what it wrote: "initialize"; a tool call's tool.
std::string writerWord(llvm::StringRef Writer) {
  if (Writer.consume_front("tools/call "))
    return Writer.str();
  auto [Head, Tail] = Writer.rsplit('/');
  return (Tail.empty() ? Head : Tail).str();
}

/// A flow passes through a function named after `Word` (handle_initialize, on_initialize,
/// initialize): some "calls" step's last name component holds it.
bool flowCalls(const StaticFinding &F, llvm::StringRef Word) {
  for (llvm::StringRef Step : F.flow) {
    if (!Step.consume_front("calls "))
      continue;
    llvm::StringRef Function = Step.rsplit("::").second.empty() ? Step : Step.rsplit("::").second;
    if (llvm::StringRef(Function.lower()).contains(Word.lower()))
      return true;
  }
  return false;
}

bool startsAt(const StaticFinding &F, llvm::StringRef Route) {
  return !F.flow.empty() && llvm::StringRef(F.flow.front()).contains("'" + Route.str() + "' (Post)");
}

} // namespace

std::vector<StaticFinding> explainingFindings(const ChaosResult &R,
                                              const std::vector<StaticFinding> &All) {
  Counts C = count(R);
  std::vector<llvm::StringRef> Rules;
  if (C.lost())
    Rules = {"session-state", "member-state", "captured-state"};
  if (C.dataLost || C.stateLost)
    Rules.insert(Rules.end(), {"global-variable", "static-local", "static-member", "singleton",
                               "thread-local"});
  std::vector<StaticFinding> Out;
  for (const StaticFinding &F : All)
    if (llvm::is_contained(Rules, llvm::StringRef(F.rule)) &&
        (F.level == "error" || F.level == "warning"))
      Out.push_back(F);
  for (const StepRecord &S : R.steps) {
    if (!isLoss(S.outcome) || S.writer.empty())
      continue;
    bool RouteKnown = llvm::any_of(Out, [&](const StaticFinding &F) { return startsAt(F, S.route); });
    for (StaticFinding &F : Out)
      F.writtenByLostWriter |=
          (!RouteKnown || startsAt(F, S.route)) && flowCalls(F, writerWord(S.writer));
  }
  std::stable_partition(Out.begin(), Out.end(),
                        [](const StaticFinding &F) { return F.writtenByLostWriter; });
  return Out;
}

void writeTextReport(llvm::raw_ostream &OS, const ChaosResult &R,
                     const std::vector<StaticFinding> *Explaining, llvm::StringRef ReportPath) {
  bool TwoRounds = hasRound(R, Round::RoundRobin);
  OS << "state-audit chaos: " << plural(unsigned(R.instances.size()), "instance", "instances")
     << " of '" << R.server << "' behind HAProxy ("
     << (TwoRounds && R.balance != Balance::RoundRobin ? "round-robin, then " : "")
     << balanceName(R.balance)
     << (R.transport.empty() ? "" : "; " + R.transport) << ")\n";
  std::vector<std::string> Num, Inst;
  size_t NumW = 1, NameW = 4, InstW = 8, OutW = 7;
  for (const StepRecord &S : R.steps) {
    Num.push_back(S.step ? std::to_string(*S.step) : "-");
    Inst.push_back(S.instance.empty() ? "?" : S.instance);
    NumW = std::max(NumW, Num.back().size());
    NameW = std::max(NameW, S.name.size());
    InstW = std::max(InstW, Inst.back().size());
    OutW = std::max(OutW, outcomeName(S.outcome).size());
  }
  auto Row = [&](llvm::StringRef A, llvm::StringRef B, llvm::StringRef C, llvm::StringRef D,
                 llvm::StringRef E) {
    auto Pad = [](llvm::StringRef S, size_t W) {
      return S.str() + std::string(W > S.size() ? W - S.size() : 0, ' ');
    };
    std::string L = "  " + std::string(NumW - std::min(NumW, A.size()), ' ') + A.str() + "  " +
                    Pad(B, NameW) + "  " + Pad(C, InstW) + "  " + Pad(D, OutW) + "  " + E.str();
    OS << llvm::StringRef(L).rtrim() << "\n";
  };
  Row("#", "step", "instance", "outcome", "detail");
  for (size_t I = 0; I < R.steps.size(); ++I) {
    const StepRecord &S = R.steps[I];
    if (TwoRounds && (I == 0 || R.steps[I - 1].round != S.round))
      OS << (S.round == Round::RoundRobin
                 ? "  -- round 1: round-robin, no kill\n"
                 : "  -- round 2: " + balanceName(R.balance).str() +
                       ", a new session, the serving instance killed before step " +
                       std::to_string(R.kill.beforeStep) + "\n");
    if (R.kill.done && S.round == Round::Kill && S.step && *S.step == R.kill.beforeStep &&
        (I == 0 || R.steps[I - 1].step != S.step)) {
      OS << "  -- SIGKILL to " << R.kill.instance << " (pid " << R.kill.pid
         << "), the instance that served the session; ";
      if (R.kill.noticed)
        OS << "HAProxy marked it DOWN after " << R.kill.noticedMs << " ms\n";
      else
        OS << "HAProxy had not marked it DOWN after " << R.kill.noticedMs << " ms\n";
    }
    Row(Num[I], S.name, Inst[I], outcomeName(S.outcome), S.detail);
  }
  if (!R.stopped.empty())
    OS << "  -- stopped: " << R.stopped << "\n";
  std::vector<std::string> Warnings;
  for (const StepRecord &S : R.steps)
    if (!S.warning.empty() && !llvm::is_contained(Warnings, S.name + ": " + S.warning))
      Warnings.push_back(S.name + ": " + S.warning);
  if (!Warnings.empty())
    OS << "warnings (deviations from the specification that broke nothing):\n";
  for (const std::string &W : Warnings)
    OS << "  " << W << "\n";
  OS << "result: " << summaryLine(R) << "\n";
  if (!Explaining || verdict(R) != Verdict::Lost)
    return;
  if (Explaining->empty()) {
    OS << "no session-state or member-state finding in " << ReportPath
       << " explains it: the state that was lost is not in that scan\n";
    return;
  }
  // What the refused requests' own route and their writer's chain point at first, then the
  // session's own state, then the other per-process state a lost read may be on.
  enum Group { Written, Session, Other };
  auto GroupOf = [&](const StaticFinding &F) {
    if (F.writtenByLostWriter)
      return Written;
    return F.rule == "session-state" ? Session : Other;
  };
  std::vector<std::string> Writers;
  for (const StepRecord &S : R.steps)
    if (isLoss(S.outcome) && !S.writer.empty() &&
        !llvm::is_contained(Writers, S.writer + " on " + S.holder))
      Writers.push_back(S.writer + " on " + S.holder);
  for (Group G : {Written, Session, Other}) {
    std::vector<const StaticFinding *> Members;
    for (const StaticFinding &F : *Explaining)
      if (GroupOf(F) == G)
        Members.push_back(&F);
    if (Members.empty())
      continue;
    OS << (G == Written ? "the state the refused requests needed, written by " +
                              llvm::join(Writers, ", ") + ": "
           : G == Session ? std::string("the state a session lives in, per instance: ")
                          : std::string("other per-instance state a read may have missed: "))
       << plural(unsigned(Members.size()), "finding", "findings") << " in " << ReportPath
       << "\n";
    for (const StaticFinding *F : Members)
      OS << "  " << F->file << ":" << F->line << " [" << F->rule << "] " << F->symbol << "\n";
  }
}

void writeJsonReport(llvm::raw_ostream &OS, const ChaosResult &R,
                     const std::vector<StaticFinding> *Explaining, llvm::StringRef ReportPath) {
  json::Array Instances;
  for (const InstanceRecord &I : R.instances)
    Instances.push_back(json::Object{{"name", I.name}, {"port", I.port}, {"pid", I.pid}});
  json::Array Steps;
  for (const StepRecord &S : R.steps) {
    json::Object O{{"name", S.name},
                   {"instance", S.instance},
                   {"outcome", outcomeName(S.outcome)},
                   {"detail", S.detail},
                   {"round", int64_t(S.round)}};
    O["step"] = S.step ? json::Value(int64_t(*S.step)) : json::Value(nullptr);
    if (!S.holder.empty())
      O["heldBy"] = S.holder;
    if (!S.writer.empty())
      O["writtenBy"] = S.writer;
    if (!S.warning.empty())
      O["warning"] = S.warning;
    Steps.push_back(std::move(O));
  }
  Counts C = count(R);
  json::Object Root{
      {"version", 1},
      {"server", R.server},
      {"balancer", json::Object{{"name", "haproxy"}, {"balance", balanceName(R.balance)}}},
      {"instances", std::move(Instances)},
      {"steps", std::move(Steps)},
      {"transport", R.transport},
      {"summary", json::Object{{"ok", C.ok},
                               {"sessionLost", C.sessionLost},
                               {"stateLost", C.stateLost},
                               {"dataLost", C.dataLost},
                               {"error", C.error}}},
      {"result", verdictName(verdict(R))},
      {"message", summaryLine(R)},
  };
  json::Object Kill{{"done", R.kill.done}};
  if (R.kill.done) {
    Kill["beforeStep"] = R.kill.beforeStep;
    Kill["instance"] = R.kill.instance;
    Kill["pid"] = R.kill.pid;
    Kill["noticedByBalancer"] = R.kill.noticed;
    Kill["afterMs"] = R.kill.noticedMs;
  }
  Root["kill"] = std::move(Kill);
  if (!R.stopped.empty())
    Root["stopped"] = R.stopped;
  if (Explaining) {
    json::Array Findings;
    for (const StaticFinding &F : *Explaining)
      Findings.push_back(json::Object{{"rule", F.rule},
                                      {"level", F.level},
                                      {"file", F.file},
                                      {"line", F.line},
                                      {"symbol", F.symbol},
                                      {"message", F.message},
                                      {"writtenByTheLostStatesWriter", F.writtenByLostWriter}});
    Root["scanReport"] = ReportPath.str();
    Root["explainedBy"] = std::move(Findings);
  }
  OS << llvm::formatv("{0:2}", json::Value(std::move(Root))) << "\n";
}

} // namespace sa::chaos
