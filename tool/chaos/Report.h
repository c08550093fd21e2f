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

/// SessionLost: the server did not know the session (404, "session not found"). StateLost:
/// a request was refused by an instance while the instance that served an earlier write
/// (initialize, a tool call) answers it. DataLost: a read did not see an earlier write.
enum class Outcome { Ok, SessionLost, StateLost, DataLost, Error };
/// "ok", "session lost", "state lost", "data lost", "error"
llvm::StringRef outcomeName(Outcome O);
inline bool isLoss(Outcome O) {
  return O == Outcome::SessionLost || O == Outcome::StateLost || O == Outcome::DataLost;
}

/// The first round balances round-robin with no kill (what breaks as soon as requests
/// spread); the second uses --lb and kills the serving instance.
enum class Round { RoundRobin = 1, Kill = 2 };

struct StepRecord {
  std::optional<unsigned> step; // the step file's number; none for the handshake
  std::string name;
  std::string instance;         // who answered (the balancer's header), if known
  Outcome outcome = Outcome::Ok;
  std::string detail;
  Round round = Round::Kill;
  std::string holder{};  // a loss: the instance that held the state (it may be the killed one)
  std::string writer{};  // a loss: the request that wrote the state there (e.g. initialize)
  std::string route{};   // a loss: the HTTP path the refused request was sent to
  std::string warning{}; // a deviation from the specification that breaks nothing
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
  std::string transport;    // "Streamable HTTP", "HTTP+SSE (2024-11-05)"; empty: not said
  Balance balance = Balance::RoundRobin; // of the kill round
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
  std::vector<std::string> flow{}; // its flow's messages: the entry point first, the write last
  /// Set by explainingFindings(): its flow passes through a function named after the request
  /// that wrote the lost state, from the refused request's route when any finding's does.
  bool writtenByLostWriter = false;
};
/// The largest scan report read (the baseline's limit): the whole document is held in memory.
inline constexpr uint64_t MaxScanReportBytes = uint64_t(32) << 20;
/// Reads a JSON report of `scan`; its unsuppressed findings. Nesting deeper than
/// MaxJsonDepth and files over MaxScanReportBytes are refused before the JSON reader runs.
llvm::Expected<std::vector<StaticFinding>> loadScanReport(llvm::StringRef Path);
/// The same for a report's text; `Name` is used in messages.
llvm::Expected<std::vector<StaticFinding>> parseScanReport(llvm::StringRef Text,
                                                           llvm::StringRef Name);
/// The findings that explain what the run lost: for a lost session the session-state,
/// member-state and captured-state findings, for lost state or data also the other kinds of
/// per-process state; errors and warnings only. First those whose flow passes through a
/// function named after the request that wrote the state (handle_initialize for
/// initialize) starting at the entry point of the refused request's route (e.g. "handler '/'
/// (Post)"), or from any entry point when no finding's flow starts at that route; then the
/// others in the report's order. Empty when nothing was lost.
std::vector<StaticFinding> explainingFindings(const ChaosResult &R,
                                              const std::vector<StaticFinding> &All);


/// `Explaining` is null without --report.
void writeTextReport(llvm::raw_ostream &OS, const ChaosResult &R,
                     const std::vector<StaticFinding> *Explaining, llvm::StringRef ReportPath);
void writeJsonReport(llvm::raw_ostream &OS, const ChaosResult &R,
                     const std::vector<StaticFinding> *Explaining, llvm::StringRef ReportPath);

} // namespace sa::chaos
