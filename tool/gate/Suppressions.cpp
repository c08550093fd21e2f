#include "gate/Suppressions.h"

#include "rules/Registry.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <map>

namespace sa {

namespace {

bool covers(const SuppressionComment &S, const std::string &Rule) {
  return llvm::is_contained(S.rules, "*") || llvm::is_contained(S.rules, Rule);
}

bool explicitRules(const SuppressionComment &S) {
  return S.kind == SuppressionKind::Allow || !llvm::is_contained(S.rules, "*");
}

std::string ruleList(const SuppressionComment &S) {
  std::string Out;
  for (const std::string &R : S.rules)
    Out += (Out.empty() ? "" : ", ") + R;
  return Out;
}

} // namespace


std::vector<Finding> applySuppressions(std::vector<Finding> &Findings,
                                       const std::vector<SuppressionComment> &Suppressions,
                                       const std::vector<std::string> &InactiveRules) {
  std::vector<Finding> Problems;
  std::vector<bool> Used(Suppressions.size(), false);

  // NOLINTBEGIN/NOLINTEND pairs, per file, matched like parentheses by their rule lists.
  struct Range {
    size_t begin;
    unsigned endLine;
  };
  std::vector<Range> Ranges;
  std::map<std::string, std::vector<size_t>> Open;
  std::vector<size_t> Order(Suppressions.size());
  for (size_t I = 0; I < Order.size(); ++I)
    Order[I] = I;
  std::sort(Order.begin(), Order.end(), [&](size_t A, size_t B) {
    return Suppressions[A].loc < Suppressions[B].loc;
  });
  auto Problem = [&](const SuppressionComment &S, std::string Message, std::string Hint) {
    Finding F;
    F.rule = ruleId(RuleId::Suppression);
    F.level = Level::Warning;
    F.loc = S.loc;
    F.symbol = std::string(toString(S.kind)) + "(" + ruleList(S) + ")";
    F.message = std::move(Message);
    F.hint = std::move(Hint);
    Problems.push_back(std::move(F));
  };
  for (size_t I : Order) {
    const SuppressionComment &S = Suppressions[I];
    std::string Key = S.loc.file + "\n" + ruleList(S);
    if (S.kind == SuppressionKind::NoLintBegin) {
      Open[Key].push_back(I);
    } else if (S.kind == SuppressionKind::NoLintEnd) {
      auto &Stack = Open[Key];
      if (Stack.empty()) {
        Problem(S, "NOLINTEND(" + ruleList(S) + ") has no matching NOLINTBEGIN",
                "pair it with a NOLINTBEGIN naming the same rules, or remove it");
        continue;
      }
      Ranges.push_back({Stack.back(), S.loc.line});
      Used[I] = true; // an END is accounted for by its BEGIN
      Stack.pop_back();
    }
  }
  for (auto &[Key, Stack] : Open)
    for (size_t I : Stack) {
      Problem(Suppressions[I],
              "NOLINTBEGIN(" + ruleList(Suppressions[I]) + ") is never closed by a NOLINTEND",
              "close the region with NOLINTEND naming the same rules");
      Used[I] = true; // one problem is enough
    }

  // A rule name that names no rule silences nothing, silently: say so.
  for (size_t I : Order) {
    const SuppressionComment &S = Suppressions[I];
    for (const std::string &R : S.rules)
      if (R != "*" && !findRule(R)) {
        Problem(S, "suppression names '" + R + "', which is not a state-audit rule",
                "use a rule id from 'state-audit rules'");
        Used[I] = true; // the unknown name is the problem to fix, not an unused suppression
      }
  }

  // Problems with suppressions are findings too, and can be suppressed like any other.
  auto Silence = [&](std::vector<Finding> &List) {
    for (Finding &F : List) {
      for (size_t I = 0; I < Suppressions.size() && !F.suppressed; ++I) {
        const SuppressionComment &S = Suppressions[I];
        if (S.loc.file != F.loc.file || !covers(S, F.rule))
          continue;
        bool Applies = false;
        switch (S.kind) {
        case SuppressionKind::Allow:
          Applies = S.loc.line == F.loc.line || S.loc.line + 1 == F.loc.line;
          break;
        case SuppressionKind::NoLint:
          Applies = S.loc.line == F.loc.line;
          break;
        case SuppressionKind::NoLintNextLine:
          Applies = S.loc.line + 1 == F.loc.line;
          break;
        case SuppressionKind::NoLintBegin:
          for (const Range &R : Ranges)
            if (R.begin == I && F.loc.line > S.loc.line && F.loc.line < R.endLine)
              Applies = true;
          break;
        case SuppressionKind::NoLintEnd:
          break;
        }
        if (!Applies)
          continue;
        F.suppressed = true;
        F.suppressionReason = S.reason;
        Used[I] = true;
      }
    }
  };
  Silence(Findings);

  for (size_t I : Order) {
    const SuppressionComment &S = Suppressions[I];
    if (explicitRules(S) && S.kind != SuppressionKind::NoLintEnd && S.reason.empty())
      Problem(S, "suppression of " + ruleList(S) + " gives no reason",
              "say why this state is acceptable, e.g. '// state-audit: allow(" + ruleList(S) +
                  ") read-only after start-up'");
  }
  // The problems so far (no reason, unmatched regions, unknown rules) can be silenced with a
  // suppression of the `suppression` rule, which then counts as used.
  Silence(Problems);

  for (size_t I : Order) {
    const SuppressionComment &S = Suppressions[I];
    if (!explicitRules(S) || S.kind == SuppressionKind::NoLintEnd || Used[I])
      continue;
    bool AllInactive = std::all_of(S.rules.begin(), S.rules.end(), [&](const std::string &R) {
      return llvm::is_contained(InactiveRules, R);
    });
    if (!AllInactive)
      Problem(S, "suppression of " + ruleList(S) + " matches no finding",
              "remove it: the state it was written for is gone or has moved");
  }
  std::stable_sort(Problems.begin(), Problems.end(), findingLess);
  return Problems;
}

} // namespace sa
