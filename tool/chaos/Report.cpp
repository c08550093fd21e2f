#include "chaos/Report.h"

#include "llvm/ADT/STLExtras.h"
#include "support/Untrusted.h"

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
  case Outcome::DataLost:
    return "data lost";
  case Outcome::Error:
    return "error";
  }
  return "error";
}

namespace {

struct Counts {
  unsigned ok = 0, sessionLost = 0, dataLost = 0, error = 0;
  unsigned total() const { return ok + sessionLost + dataLost + error; }
};

Counts count(const ChaosResult &R) {
  Counts C;
  for (const StepRecord &S : R.steps)
    switch (S.outcome) {
    case Outcome::Ok:
      ++C.ok;
      break;
    case Outcome::SessionLost:
      ++C.sessionLost;
      break;
    case Outcome::DataLost:
      ++C.dataLost;
      break;
    case Outcome::Error:
      ++C.error;
      break;
    }
  return C;
}

std::string plural(unsigned N, llvm::StringRef One, llvm::StringRef Many) {
  return std::to_string(N) + " " + (N == 1 ? One : Many).str();
}

llvm::StringRef balanceName(Balance B) {
  return B == Balance::Sticky ? "sticky" : "round-robin";
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
  if (C.sessionLost || C.dataLost)
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
                      " session lost, " + std::to_string(C.dataLost) + " data lost, " +
                      std::to_string(C.error) + " error";
  std::string Kill = R.kill.done ? "the kill of " + R.kill.instance : "no kill";
  switch (verdict(R)) {
  case Verdict::Resumed:
    return "resumed: the session survived " + Kill + " with no data lost (" +
           plural(C.total(), "exchange", "exchanges") + ": " + Tally + ")";
  case Verdict::Lost: {
    std::string What;
    if (C.sessionLost)
      What = "the session was lost " + plural(C.sessionLost, "time", "times");
    if (C.dataLost)
      What += (What.empty() ? "" : " and ") + plural(C.dataLost, "read", "reads") +
              " did not see an earlier write";
    return "lost: " + What + " (" + Kill + "; " + Tally + ")";
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
    if (S.rule.empty() || S.file.empty())
      return Bad("a finding has no 'rule' or 'file'");
    Out.push_back(std::move(S));
  }
  return Out;
}

std::vector<StaticFinding> explainingFindings(const ChaosResult &R,
                                              const std::vector<StaticFinding> &All) {
  Counts C = count(R);
  std::vector<llvm::StringRef> Rules;
  if (C.sessionLost || C.dataLost)
    Rules = {"session-state", "member-state"};
  if (C.dataLost)
    Rules.insert(Rules.end(), {"global-variable", "static-local", "static-member", "singleton",
                               "captured-state", "thread-local"});
  std::vector<StaticFinding> Out;
  for (const StaticFinding &F : All)
    if (llvm::is_contained(Rules, llvm::StringRef(F.rule)) &&
        (F.level == "error" || F.level == "warning"))
      Out.push_back(F);
  return Out;
}

void writeTextReport(llvm::raw_ostream &OS, const ChaosResult &R,
                     const std::vector<StaticFinding> *Explaining, llvm::StringRef ReportPath) {
  OS << "state-audit chaos: " << plural(unsigned(R.instances.size()), "instance", "instances")
     << " of '" << R.server << "' behind HAProxy (" << balanceName(R.balance) << ")\n";
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
    if (R.kill.done && S.step && *S.step == R.kill.beforeStep &&
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
  OS << "result: " << summaryLine(R) << "\n";
  if (!Explaining || verdict(R) != Verdict::Lost)
    return;
  if (Explaining->empty()) {
    OS << "no session-state or member-state finding in " << ReportPath
       << " explains it: the state that was lost is not in that scan\n";
    return;
  }
  // The session's own state first, then the other per-process state a lost read may be on.
  auto IsSessionRule = [](const StaticFinding &F) {
    return F.rule == "session-state" || F.rule == "member-state";
  };
  for (bool Session : {true, false}) {
    std::vector<const StaticFinding *> Group;
    for (const StaticFinding &F : *Explaining)
      if (IsSessionRule(F) == Session)
        Group.push_back(&F);
    if (Group.empty())
      continue;
    OS << (Session ? "the state a session lives in, per instance: "
                   : "other per-instance state a read may have missed: ")
       << plural(unsigned(Group.size()), "finding", "findings") << " in " << ReportPath << "\n";
    for (const StaticFinding *F : Group)
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
                   {"detail", S.detail}};
    O["step"] = S.step ? json::Value(int64_t(*S.step)) : json::Value(nullptr);
    Steps.push_back(std::move(O));
  }
  Counts C = count(R);
  json::Object Root{
      {"version", 1},
      {"server", R.server},
      {"balancer", json::Object{{"name", "haproxy"}, {"balance", balanceName(R.balance)}}},
      {"instances", std::move(Instances)},
      {"steps", std::move(Steps)},
      {"summary", json::Object{{"ok", C.ok},
                               {"sessionLost", C.sessionLost},
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
                                      {"message", F.message}});
    Root["scanReport"] = ReportPath.str();
    Root["explainedBy"] = std::move(Findings);
  }
  OS << llvm::formatv("{0:2}", json::Value(std::move(Root))) << "\n";
}

} // namespace sa::chaos
