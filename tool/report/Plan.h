// The migration plan (`--format plan`, `--format plan-json`): what a team does with the
// findings. Which state each session carries (each field, its type, where it is written and
// read), which requests break when they land on another instance, in which order to move the
// state out (the session store first), the key design for each item in the shared store, and
// the chaos test that proves the migration.
#pragma once

#include "program/EntryPoints.h"
#include "program/Program.h"
#include "report/Report.h"

#include <string>
#include <vector>

namespace sa {

struct PlanPlace {
  std::string function;
  SourceLoc loc;
};

struct PlanField {
  std::string name;
  std::string type;                // empty when unknown
  std::vector<PlanPlace> writtenIn;
  std::vector<PlanPlace> readIn;
};

/// A piece of per-session state and what a session carries in it.
struct SessionInventory {
  std::string state;
  std::string type;
  SourceLoc loc;
  std::string element;             // the record each session's entry is, when known
  std::vector<PlanField> fields;   // the element's fields, or the state itself
};

/// One thing to move out of the process.
struct PlanItem {
  std::string rule;
  Level level = Level::Error;
  std::string what;                // the state, the file call, the pool
  std::string type;
  SourceLoc loc;
  std::string store;               // "Redis hash", "object storage", "job queue", ...
  std::string keys;                // the key design: "session:{id} (HSET ..., EXPIRE ...)"
  std::string hint;
  std::string fingerprint;
};

struct PlanStep {
  std::string title;
  std::string why;
  std::vector<PlanItem> items;
};

/// A request that gives a wrong answer when it lands on another instance than the one that
/// served the previous request.
struct BreakingRequest {
  std::string entry;                // "handler 'remember' (add_tool)"
  SourceLoc loc;
  std::vector<std::string> writes;  // per-instance state it writes
  std::vector<std::string> reads;   // per-instance state it reads that requests write
};

struct MigrationPlan {
  std::vector<SessionInventory> sessions;
  std::vector<BreakingRequest> requests;
  std::vector<PlanStep> steps;
  std::vector<DownstreamBudget> budgets;
  std::vector<std::string> chaosSteps;
};

MigrationPlan buildPlan(const Program &P, const EntryPointOptions &Entries, const ScanReport &R);

void writePlanMarkdown(llvm::raw_ostream &OS, const MigrationPlan &Plan);
void writePlanJson(llvm::raw_ostream &OS, const MigrationPlan &Plan);

} // namespace sa
