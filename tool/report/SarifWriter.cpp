// SARIF 2.1.0 for code review (GitHub code scanning and other viewers).
#include "report/Report.h"

#include "Version.h"
#include "report/SourceFiles.h"
#include "rules/Registry.h"
#include "rules/RuleDocs.h"
#include "support/Output.h"

#include "llvm/Support/JSON.h"

#include <map>

namespace sa {

namespace {

constexpr size_t MaxResults = 25000; // GitHub code scanning accepts at most 25,000 per run

/// Percent-encodes what RFC 3986 does not allow in a path: everything but the unreserved
/// characters and the separators a path uses.
std::string uriPath(llvm::StringRef Path) {
  std::string Out;
  for (unsigned char C : Path) {
    if (isalnum(C) || C == '-' || C == '.' || C == '_' || C == '~' || C == '/')
      Out += static_cast<char>(C);
    else {
      static const char Hex[] = "0123456789ABCDEF";
      Out += '%';
      Out += Hex[C >> 4];
      Out += Hex[C & 15];
    }
  }
  return Out;
}

const char *problemSeverity(Level L) {
  switch (L) {
  case Level::Error: return "error";
  case Level::Warning: return "warning";
  case Level::Note: return "recommendation";
  }
  return "warning";
}

/// The rule pages link to each other and to docs/ relatively; inside SARIF they are read away
/// from the repository, so the links are made absolute. Code (fenced blocks, inline spans) is
/// left alone: `[&](char c)` is a lambda, not a link.
std::string absoluteLinks(llvm::StringRef Markdown) {
  std::string Base = std::string(ProjectUri) + "/blob/main/docs/";
  auto Resolve = [&](llvm::StringRef Target) {
    if (Target.contains("://") || Target.starts_with("#") || Target.starts_with("mailto:"))
      return Target.str();
    if (Target.consume_front("../"))
      return Base + Target.str();
    return Base + "rules/" + Target.str();
  };
  std::string Out;
  bool Fenced = false;
  while (!Markdown.empty()) {
    auto [Line, Rest] = Markdown.split('\n');
    bool HasNewline = Markdown.size() > Line.size();
    Markdown = Rest;
    if (Line.ltrim().starts_with("```"))
      Fenced = !Fenced;
    if (Fenced || Line.ltrim().starts_with("```")) {
      Out += Line.str();
    } else {
      bool InCode = false;
      for (size_t I = 0; I < Line.size(); ++I) {
        char C = Line[I];
        Out += C;
        if (C == '`')
          InCode = !InCode;
        if (InCode || C != ']' || I + 1 >= Line.size() || Line[I + 1] != '(')
          continue;
        size_t Close = Line.find(')', I + 2);
        if (Close == llvm::StringRef::npos)
          continue;
        Out += "(" + Resolve(Line.slice(I + 2, Close)) + ")";
        I = Close;
      }
    }
    if (HasNewline)
      Out += '\n';
  }
  return Out;
}

class Writer {
public:
  Writer(const ScanReport &R, const SarifOptions &O) : R(R), O(O), Sources(R.paths) {}

  void write(llvm::raw_ostream &OS) {
    llvm::json::OStream J(OS, 2);
    std::vector<const Finding *> Results;
    for (const Finding &F : R.findings) {
      if (F.suppressed && !O.includeSuppressed)
        continue;
      if (F.level < O.minLevel) {
        ++LeftOut;
        continue;
      }
      Results.push_back(&F);
    }
    if (O.includeAbsent)
      for (const Finding &F : R.absent)
        Results.push_back(&F);
    bool Truncated = Results.size() > MaxResults;
    if (Truncated) {
      // Keep the most severe: GitHub shows the first results of a run.
      std::stable_sort(Results.begin(), Results.end(), [](const Finding *A, const Finding *B) {
        return A->level > B->level;
      });
      Results.resize(MaxResults);
      std::sort(Results.begin(), Results.end(),
                [](const Finding *A, const Finding *B) { return reportLess(*A, *B); });
    }

    J.object([&] {
      J.attribute("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
      J.attribute("version", "2.1.0");
      J.attributeArray("runs", [&] {
        J.object([&] {
          J.attributeObject("tool", [&] { driver(J); });
          J.attributeObject("automationDetails", [&] { J.attribute("id", O.automationId); });
          J.attributeObject("originalUriBaseIds", [&] {
            J.attributeObject("%SRCROOT%", [&] {
              J.attribute("uri", "file://" + uriPath(R.paths.root()) + "/");
            });
          });
          J.attribute("columnKind", "utf16CodeUnits");
          J.attributeArray("invocations", [&] { invocation(J, Truncated, Results.size()); });
          J.attributeArray("results", [&] {
            for (const Finding *F : Results)
              result(J, *F);
          });
          if (Truncated || !R.absent.empty() || !R.libraryCode.empty())
            J.attributeObject("properties", [&] {
              if (Truncated) {
                J.attribute("truncated", true);
                J.attribute("totalResults", static_cast<int64_t>(R.findings.size()));
              }
              if (!R.absent.empty())
                J.attribute("absentFromBaseline", static_cast<int64_t>(R.absent.size()));
              if (!R.libraryCode.empty())
                J.attributeArray("libraryCode", [&] { writeLibraryCode(J, R.libraryCode); });
            });
        });
      });
    });
    OS << "\n";
  }

private:
  void driver(llvm::json::OStream &J) {
    J.attributeObject("driver", [&] {
      J.attribute("name", "state-audit");
      J.attribute("semanticVersion", STATE_AUDIT_VERSION);
      J.attribute("version", STATE_AUDIT_VERSION);
      J.attribute("informationUri", ProjectUri);
      J.attributeArray("rules", [&] {
        for (const RuleInfo &Rule : allRules()) {
          RuleIndex[Rule.id] = static_cast<int64_t>(RuleIndex.size());
          J.object([&] {
            J.attribute("id", Rule.id);
            J.attribute("name", Rule.name);
            J.attributeObject("shortDescription", [&] { J.attribute("text", Rule.summary); });
            J.attributeObject("fullDescription", [&] { J.attribute("text", Rule.description); });
            llvm::StringRef Doc = ruleDocumentation(Rule.id);
            J.attributeObject("help", [&] {
              J.attribute("text", std::string(Rule.description) + " More: state-audit explain " +
                                      Rule.id + ", or " + ruleHelpUri(Rule.id));
              J.attribute("markdown",
                          Doc.empty() ? std::string(Rule.description) : absoluteLinks(Doc));
            });
            J.attribute("helpUri", ruleHelpUri(Rule.id));
            J.attributeObject("defaultConfiguration",
                              [&] { J.attribute("level", toString(Rule.defaultLevel)); });
            J.attributeObject("properties", [&] {
              J.attributeArray("tags", [&] {
                llvm::SmallVector<llvm::StringRef, 6> Tags;
                llvm::StringRef(Rule.tags).split(Tags, ' ', -1, false);
                for (llvm::StringRef T : Tags)
                  J.value(T);
              });
              J.attribute("precision", Rule.precision);
              J.attribute("problem.severity", problemSeverity(Rule.defaultLevel));
            });
          });
        }
      });
    });
  }

  void artifact(llvm::json::OStream &J, const std::string &File) {
    J.attributeObject("artifactLocation", [&] {
      J.attribute("uri", uriPath(File));
      J.attribute("uriBaseId", "%SRCROOT%");
    });
  }

  void physical(llvm::json::OStream &J, const SourceLoc &L) {
    J.attributeObject("physicalLocation", [&] {
      artifact(J, L.file);
      J.attributeObject("region", [&] {
        unsigned EndLine = L.endLine ? L.endLine : L.line;
        J.attribute("startLine", L.line);
        J.attribute("startColumn", Sources.utf16Column(L.file, L.line, L.column));
        J.attribute("endLine", EndLine);
        J.attribute("endColumn",
                    Sources.utf16Column(L.file, EndLine, L.endColumn ? L.endColumn : L.column + 1));
      });
    });
  }

  void invocation(llvm::json::OStream &J, bool Truncated, size_t Written) {
    J.object([&] {
      J.attribute("executionSuccessful", !R.gate.incomplete);
      J.attributeArray("toolExecutionNotifications", [&] {
        for (const TUSummary &T : R.tus) {
          if (T.status == TUStatus::Ok)
            continue;
          J.object([&] {
            J.attribute("level", T.status == TUStatus::Failed ? "error" : "warning");
            J.attributeObject("descriptor", [&] {
              J.attribute("id", T.status == TUStatus::Failed ? "tu-failed" : "tu-compile-errors");
            });
            J.attributeObject("message", [&] {
              J.attribute("text", T.status == TUStatus::Failed
                                      ? "The translation unit " + T.file +
                                            " could not be analysed: " + T.firstError
                                      : "The translation unit " + T.file + " has " +
                                            std::to_string(T.errorCount) +
                                            " compile errors; the first: " + T.firstError);
            });
            J.attributeArray("locations", [&] {
              J.object([&] { J.attributeObject("physicalLocation", [&] { artifact(J, T.file); }); });
            });
          });
        }
        for (const std::string &N : R.notes)
          J.object([&] {
            J.attribute("level", "note");
            J.attributeObject("message", [&] { J.attribute("text", N); });
          });
        if (!R.absent.empty() && !O.includeAbsent)
          J.object([&] {
            J.attribute("level", "note");
            J.attributeObject("descriptor", [&] { J.attribute("id", "baseline-absent"); });
            J.attributeObject("message", [&] {
              J.attribute("text", plural(R.absent.size(), "result", "results") +
                                      " of the baseline " +
                                      (R.absent.size() == 1 ? "is" : "are") +
                                      " no longer found (fixed); "
                                      "--sarif-include-absent lists them as results.");
            });
          });
        if (LeftOut)
          J.object([&] {
            J.attribute("level", "note");
            J.attributeObject("descriptor", [&] { J.attribute("id", "below-sarif-level"); });
            J.attributeObject("message", [&] {
              J.attribute("text", plural(LeftOut, "finding", "findings") + " below the level " +
                                      toString(O.minLevel) + (LeftOut == 1 ? " is" : " are") +
                                      " left out (code scanning would show each as an "
                                      "open alert); --sarif-level note includes them.");
            });
          });
        if (Truncated)
          J.object([&] {
            J.attribute("level", "warning");
            J.attributeObject("message", [&] {
              J.attribute("text", "The report was truncated to the " + std::to_string(Written) +
                                      " most severe of " + std::to_string(R.findings.size()) +
                                      " results: GitHub code scanning accepts at most " +
                                      std::to_string(MaxResults) + " per run.");
            });
          });
      });
    });
  }

  void result(llvm::json::OStream &J, const Finding &F) {
    J.object([&] {
      J.attribute("ruleId", F.rule);
      if (auto It = RuleIndex.find(F.rule); It != RuleIndex.end())
        J.attribute("ruleIndex", It->second);
      J.attribute("level", toString(F.level));
      J.attributeObject("message", [&] { J.attribute("text", messageText(F)); });
      J.attributeArray("locations", [&] {
        J.object([&] {
          physical(J, F.loc);
          if (!F.symbol.empty())
            J.attributeArray("logicalLocations", [&] {
              J.object([&] { J.attribute("fullyQualifiedName", F.symbol); });
            });
        });
      });
      int64_t Id = 1;
      bool AnyRelated = false;
      for (const Evidence &E : F.evidence)
        AnyRelated |= E.loc.valid();
      if (AnyRelated)
        J.attributeArray("relatedLocations", [&] {
          for (const Evidence &E : F.evidence) {
            if (!E.loc.valid())
              continue;
            J.object([&] {
              J.attribute("id", Id++);
              physical(J, E.loc);
              J.attributeObject("message", [&] { J.attribute("text", escapeText(E.message)); });
            });
          }
        });
      if (F.level != Level::Note)
        codeFlow(J, F);
      std::string LineHash = Sources.lineHash(F.loc.file, F.loc.line);
      if (!LineHash.empty())
        J.attributeObject("partialFingerprints",
                          [&] { J.attribute("primaryLocationLineHash", LineHash); });
      J.attributeObject("fingerprints", [&] { J.attribute("stateAudit/v1", F.fingerprint); });
      if (F.baseline != BaselineState::None)
        J.attribute("baselineState", toString(F.baseline));
      if (F.suppressed)
        J.attributeArray("suppressions", [&] {
          J.object([&] {
            J.attribute("kind", "inSource");
            J.attribute("status", "accepted");
            if (!F.suppressionReason.empty())
              J.attribute("justification", F.suppressionReason);
          });
        });
      J.attributeObject("properties", [&] {
        J.attribute("symbol", F.symbol);
        if (!F.type.empty())
          J.attribute("type", F.type);
        if (!F.hint.empty())
          J.attribute("hint", F.hint);
        std::vector<std::string> Unplaced;
        for (const Evidence &E : F.evidence)
          if (!E.loc.valid())
            Unplaced.push_back(E.message);
        if (!Unplaced.empty())
          J.attributeArray("evidence", [&] {
            for (const std::string &M : Unplaced)
              J.value(M);
          });
      });
    });
  }

  /// What, why and the fix, in that order: the finding's message is the first sentence, the
  /// hint the second, then the related locations, linked as SARIF's `[text](id)` so viewers
  /// jump to them.
  static std::string messageText(const Finding &F) {
    std::string Text = sentence(escapeText(F.message));
    if (!F.hint.empty())
      Text += " Fix: " + sentence(escapeText(F.hint));
    std::string Links;
    int64_t Id = 1;
    for (const Evidence &E : F.evidence) {
      if (!E.loc.valid())
        continue;
      Links += (Links.empty() ? "" : "; ") + std::string("[") + escapeText(E.message) + "](" +
               std::to_string(Id++) + ")";
    }
    if (!Links.empty())
      Text += " See " + Links + ".";
    return Text;
  }

  /// SARIF message text is plain text in which `[` and `]` are escaped (they would
  /// otherwise start an embedded link).
  static std::string escapeText(llvm::StringRef S) {
    std::string Out;
    for (char C : S) {
      if (C == '[' || C == ']')
        Out += '\\';
      Out += C;
    }
    return Out;
  }

  /// A sentence: capitalised, ending in a full stop.
  static std::string sentence(std::string S) {
    while (!S.empty() && (S.back() == ' ' || S.back() == '.'))
      S.pop_back();
    if (!S.empty() && S[0] >= 'a' && S[0] <= 'z')
      S[0] = static_cast<char>(S[0] - 'a' + 'A');
    return S + ".";
  }

  /// The path from the entry point (or where the phase starts) to the write, as one thread
  /// flow. A finding without a path gets a flow of its own location, so that every error and
  /// warning shows one.
  void codeFlow(llvm::json::OStream &J, const Finding &F) {
    std::vector<Evidence> Steps;
    for (const Evidence &E : F.flow)
      if (E.loc.valid())
        Steps.push_back(E);
    if (Steps.empty())
      Steps.push_back({F.symbol.empty() ? F.rule : F.symbol, F.loc});
    J.attributeArray("codeFlows", [&] {
      J.object([&] {
        J.attributeObject("message", [&] {
          J.attribute("text", Steps.size() == 1 ? "Where it happens."
                                                 : "From " + escapeText(Steps.front().message) +
                                                       " to the write.");
        });
        J.attributeArray("threadFlows", [&] {
          J.object([&] {
            J.attributeArray("locations", [&] {
              int64_t Order = 0;
              for (const Evidence &E : Steps)
                J.object([&] {
                  J.attributeObject("location", [&] {
                    physical(J, E.loc);
                    J.attributeObject("message", [&] { J.attribute("text", escapeText(E.message)); });
                  });
                  J.attribute("executionOrder", ++Order);
                  J.attribute("importance", Order == 1 || Order == static_cast<int64_t>(Steps.size())
                                                ? "essential"
                                                : "important");
                });
            });
          });
        });
      });
    });
  }

  const ScanReport &R;
  const SarifOptions &O;
  size_t LeftOut = 0;
  SourceFiles Sources;
  std::map<std::string, int64_t> RuleIndex;
};

} // namespace

void writeSarif(llvm::raw_ostream &OS, const ScanReport &R, const SarifOptions &O) {
  Writer(R, O).write(OS);
}

} // namespace sa
