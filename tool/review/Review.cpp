#include "review/Review.h"

#include "gate/Suppressions.h"
#include "rules/RuleSet.h"

#include <algorithm>
#include <map>

namespace sa {

namespace {

/// Drops the findings in library code, counting them per file.
void dropLibraryFindings(std::vector<Finding> &Findings, LibraryCode &Library,
                         std::map<std::string, Review::LibraryFile> &Dropped) {
  Findings.erase(std::remove_if(Findings.begin(), Findings.end(),
                                [&](const Finding &F) {
                                  std::optional<std::string> Why = Library.why(F.loc.file);
                                  if (!Why)
                                    return false;
                                  Review::LibraryFile &D = Dropped[F.loc.file];
                                  D.file = F.loc.file;
                                  D.why = *Why;
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

Review review(const Program &P, const ReviewOptions &O, LibraryCode *Library) {
  Review R;
  LinkResult L = link(P, O.config.linkOptions());
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
  std::vector<Finding> Problems = applySuppressions(L.findings, P.suppressions, Disabled);
  Configure(Problems);
  if (Library) {
    std::map<std::string, Review::LibraryFile> Dropped;
    dropLibraryFindings(L.findings, *Library, Dropped);
    dropLibraryFindings(Problems, *Library, Dropped);
    for (auto &[File, D] : Dropped)
      R.libraryCode.push_back(std::move(D));
    if (!R.libraryCode.empty())
      R.notes.push_back(libraryNote(R.libraryCode));
  }

  R.findings = std::move(L.findings);
  R.findings.insert(R.findings.end(), Problems.begin(), Problems.end());
  std::sort(R.findings.begin(), R.findings.end(), findingLess);
  assignFingerprints(R.findings);

  if (O.baseline)
    R.absent = applyBaseline(R.findings, *O.baseline, O.baselinePathMap);
  R.gate = evaluateGate(R.findings, P.tus, O.failOn, O.allowCompileErrors);
  return R;
}

} // namespace sa
