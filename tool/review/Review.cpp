#include "review/Review.h"

#include "facts/FactsJson.h"
#include "gate/Suppressions.h"
#include "support/Untrusted.h"
#include "rules/RuleSet.h"

#include <algorithm>
#include <map>

#include "llvm/Support/raw_ostream.h"

namespace sa {

namespace {

/// Drops the findings in library code, counting them per file.
void dropLibraryFindings(std::vector<Finding> &Findings, LibraryCode &Library,
                         std::map<std::string, Review::LibraryFile> &Dropped) {
  Findings.erase(std::remove_if(Findings.begin(), Findings.end(),
                                [&](const Finding &F) {
                                  std::optional<LibraryVerdict> Why = Library.why(F.loc.file);
                                  if (!Why)
                                    return false;
                                  Review::LibraryFile &D = Dropped[F.loc.file];
                                  D.file = F.loc.file;
                                  D.why = Why->describe();
                                  ++D.findings;
                                  return true;
                                }),
                 Findings.end());
}

std::string libraryNote(const std::vector<Review::LibraryFile> &Files) {
  unsigned Total = 0;
  for (const Review::LibraryFile &F : Files)
    Total += F.findings;
  std::string Note = "skipped " + std::to_string(Total) +
                     (Total == 1 ? " finding" : " findings") + " in library code:";
  constexpr size_t Shown = 8;
  for (size_t I = 0; I < Files.size() && I < Shown; ++I)
    Note += std::string(I ? "," : "") + " " + Files[I].file + " (" +
            std::to_string(Files[I].findings) + ", " + Files[I].why + ")";
  if (Files.size() > Shown)
    Note += " and " + std::to_string(Files.size() - Shown) + " more files";
  Note += "; `vendored: []` in .state-audit.yaml reports them";
  return Note;
}

} // namespace

LinkedProgram linkProgram(const Program &P, const Config &C) {
  LinkedProgram L;
  L.link = link(P, C.linkOptions());
  L.suppressions = P.suppressions;
  L.pools = P.pools;
  L.tus = P.tus;
  return L;
}

std::string linkSalt(const Config &C) {
  // Exactly what linkOptions reads: entry points, pools and library knowledge (spelled out in
  // full by dumpConfig). Levels, switches, suppressions and the baseline apply after the link.
  Config Link;
  Link.entryPoints = C.entryPoints;
  Link.connectionPools = C.connectionPools;
  Link.knowledge = C.knowledge;
  return dumpConfig(Link);
}

std::string linkedToJSON(const LinkedProgram &L) {
  llvm::json::Array Findings, Suppressions, Pools, Notes;
  for (const Finding &F : L.link.findings)
    Findings.push_back(toJSON(F));
  for (const SuppressionComment &S : L.suppressions)
    Suppressions.push_back(toJSON(S));
  for (const PoolFact &P : L.pools)
    Pools.push_back(toJSON(P));
  for (const std::string &N : L.link.notes)
    Notes.push_back(N);
  llvm::json::Value Doc = llvm::json::Object{{"format", "state-audit-linked"},
                                             {"findings", std::move(Findings)},
                                             {"notes", std::move(Notes)},
                                             {"entryPoints", L.link.entryPoints},
                                             {"suppressions", std::move(Suppressions)},
                                             {"pools", std::move(Pools)}};
  std::string Text;
  llvm::raw_string_ostream(Text) << Doc;
  return Text;
}

std::optional<LinkedProgram> linkedFromJSON(llvm::StringRef Text) {
  llvm::Expected<llvm::json::Value> Doc = parseUntrustedJson(Text);
  if (!Doc) {
    llvm::consumeError(Doc.takeError());
    return std::nullopt;
  }
  LinkedProgram L;
  llvm::json::Path::Root Root("linked");
  llvm::json::ObjectMapper O(*Doc, Root);
  int64_t EntryPoints = 0;
  if (!O || Doc->getAsObject()->getString("format") != llvm::StringRef("state-audit-linked") ||
      !O.map("findings", L.link.findings) || !O.map("notes", L.link.notes) ||
      !O.map("entryPoints", EntryPoints) || !O.map("suppressions", L.suppressions) ||
      !O.map("pools", L.pools) || EntryPoints < 0 || EntryPoints > UINT32_MAX) {
    llvm::consumeError(Root.getError());
    return std::nullopt;
  }
  L.link.entryPoints = static_cast<unsigned>(EntryPoints);
  return L;
}

Review review(const Program &P, const ReviewOptions &O, LibraryCode *Library) {
  return review(linkProgram(P, O.config), O, Library);
}

Review review(const LinkedProgram &Linked, const ReviewOptions &O, LibraryCode *Library) {
  Review R;
  LinkResult L = Linked.link;
  R.notes = std::move(L.notes);
  R.entryPoints = L.entryPoints;

  std::vector<std::string> Disabled;
  for (const auto &[Rule, RC] : O.config.rules)
    if (!RC.enabled.value_or(true))
      Disabled.push_back(Rule);
  auto Configure = [&](std::vector<Finding> &Findings) {
    Findings.erase(std::remove_if(Findings.begin(), Findings.end(),
                                  [&](const Finding &F) { return !O.config.ruleEnabled(F.rule); }),
                   Findings.end());
    for (Finding &F : Findings) {
      auto It = O.config.rules.find(F.rule);
      if (It != O.config.rules.end() && It->second.level)
        F.level = *It->second.level;
    }
  };
  Configure(L.findings);
  std::vector<Finding> Problems = applySuppressions(L.findings, Linked.suppressions, Disabled);
  Configure(Problems);
  if (Library) {
    std::map<std::string, Review::LibraryFile> Dropped;
    dropLibraryFindings(L.findings, *Library, Dropped);
    dropLibraryFindings(Problems, *Library, Dropped);
    for (auto &[File, D] : Dropped)
      R.libraryCode.push_back(std::move(D));
    if (!R.libraryCode.empty())
      R.notes.push_back(libraryNote(R.libraryCode));
    std::vector<std::string> Read;
    for (const TUSummary &TU : Linked.tus)
      Read.insert(Read.end(), TU.libraryCode.begin(), TU.libraryCode.end());
    R.libraryScopes = libraryScopes(std::move(Read), *Library);
  }

  R.findings = std::move(L.findings);
  R.findings.insert(R.findings.end(), Problems.begin(), Problems.end());
  std::sort(R.findings.begin(), R.findings.end(), findingLess);
  assignFingerprints(R.findings);

  if (O.baseline)
    R.absent = applyBaseline(R.findings, *O.baseline, O.baselinePathMap);
  R.gate = evaluateGate(R.findings, Linked.tus, O.failOn, O.allowCompileErrors);
  return R;
}

} // namespace sa
