// What a chaos run found, how it is judged, and how it is reported (text or JSON), linked to
// the static findings of a scan that explain a lost session or lost data.
#pragma once

#include "chaos/Balancer.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace sa::chaos {

enum class Outcome { Ok, SessionLost, DataLost, Error };
llvm::StringRef outcomeName(Outcome O); // "ok", "session lost", "data lost", "error"

struct StepRecord {
  std::optional<unsigned> step; // the step file's number; none for the handshake
  std::string name;
  std::string instance;         // who answered (the balancer's header), if known
  Outcome outcome = Outcome::Ok;
  std::string detail;
};

struct InstanceRecord {
  std::string name;
  unsigned port = 0;
  int pid = 0;
};

struct KillRecord {
  bool done = false;
  unsigned beforeStep = 0;
  std::string instance;
  int pid = 0;
  bool noticed = false;     // the balancer marked it DOWN
  unsigned noticedMs = 0;   // after this long
};

struct ChaosResult {
  std::string server;       // the command, with its placeholders
  Balance balance = Balance::RoundRobin;
  std::vector<InstanceRecord> instances;
  std::vector<StepRecord> steps;
  KillRecord kill;
  std::string stopped;      // why the run stopped before its last step, if it did
};

enum class Verdict { Resumed, Lost, Failed };
/// Resumed: the kill happened, HAProxy saw the instance go down, and every exchange was ok.
/// Lost: some step lost the session or data. Failed: otherwise (errors, the run stopped
/// early, or a kill HAProxy never saw).
Verdict verdict(const ChaosResult &R);
/// 0 when resumed, 1 otherwise.
int exitCode(const ChaosResult &R);
/// The one-line summary, e.g. "resumed: the session survived the kill of i1 ...".
std::string summaryLine(const ChaosResult &R);

/// A finding of `state-audit scan --format json`.
struct StaticFinding {
  std::string rule, level, file, symbol, message;
  unsigned line = 0;
};
/// The largest scan report read (the baseline's limit): the whole document is held in memory.
inline constexpr uint64_t MaxScanReportBytes = uint64_t(32) << 20;
/// Reads a JSON report of `scan`; its unsuppressed findings. Nesting deeper than
/// MaxJsonDepth and files over MaxScanReportBytes are refused before the JSON reader runs.
llvm::Expected<std::vector<StaticFinding>> loadScanReport(llvm::StringRef Path);
/// The same for a report's text; `Name` is used in messages.
llvm::Expected<std::vector<StaticFinding>> parseScanReport(llvm::StringRef Text,
                                                           llvm::StringRef Name);
/// The findings that explain what the run lost: for a lost session the session-state and
/// member-state findings, for lost data also the other kinds of per-process state; errors and
/// warnings only, in the report's order. Empty when nothing was lost.
std::vector<StaticFinding> explainingFindings(const ChaosResult &R,
                                              const std::vector<StaticFinding> &All);

/// `Explaining` is null without --report.
void writeTextReport(llvm::raw_ostream &OS, const ChaosResult &R,
                     const std::vector<StaticFinding> *Explaining, llvm::StringRef ReportPath);
void writeJsonReport(llvm::raw_ostream &OS, const ChaosResult &R,
                     const std::vector<StaticFinding> *Explaining, llvm::StringRef ReportPath);

} // namespace sa::chaos
