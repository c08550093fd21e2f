#include "gate/Baseline.h"

#include "facts/Finding.h"

#include "support/Untrusted.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <map>
#include <set>

namespace sa {

namespace {

llvm::Error fail(llvm::StringRef Path, const llvm::Twine &Why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (Path + ": " + Why).str());
}

constexpr const char *TooLargeWhy = "some 8,000 results; a baseline lists accepted findings";

std::string percentDecode(llvm::StringRef S) {
  std::string Out;
  for (size_t I = 0; I < S.size(); ++I) {
    unsigned Byte;
    if (S[I] == '%' && I + 2 < S.size() && !S.substr(I + 1, 2).getAsInteger(16, Byte)) {
      Out += static_cast<char>(Byte);
      I += 2;
    } else {
      Out += S[I];
    }
  }
  return Out;
}

std::string mapPath(const std::string &File, const PathMap &Map) {
  for (const auto &[Old, New] : Map) {
    llvm::StringRef F(File);
    if (F == Old)
      return New;
    if (F.starts_with(Old) && F.drop_front(Old.size()).starts_with("/"))
      return New + F.drop_front(Old.size()).str();
  }
  return File;
}

} // namespace

llvm::Expected<std::pair<std::string, std::string>> parsePathMapping(llvm::StringRef Text) {
  auto [Old, New] = Text.split('=');
  if (Old.empty() || New.empty() || !Text.contains('='))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "--baseline-path-map expects OLD=NEW, got '" + Text.str() + "'");
  return std::make_pair(Old.rtrim('/').str(), New.rtrim('/').str());
}

llvm::Expected<std::vector<BaselineResult>> loadBaseline(llvm::StringRef Path,
                                                         std::vector<std::string> *Warnings) {
  uint64_t Size = 0;
  if (!llvm::sys::fs::file_size(Path, Size) && Size > MaxBaselineBytes)
    return fail(Path, "too large for a baseline (" + llvm::Twine(Size >> 20) + " MB, at most " +
                          llvm::Twine(MaxBaselineBytes >> 20) + " MB: " + TooLargeWhy + ")");
  if (llvm::sys::fs::exists(Path) && !llvm::sys::fs::is_regular_file(Path))
    return fail(Path, "not a regular file");
  auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buffer)
    return fail(Path, "cannot read: " + Buffer.getError().message());
  if ((*Buffer)->getBufferSize() > MaxBaselineBytes)
    return fail(Path, "too large for a baseline (at most " + llvm::Twine(MaxBaselineBytes >> 20) +
                          " MB: " + TooLargeWhy + ")");
  return parseBaseline((*Buffer)->getBuffer(), Path, Warnings);
}

namespace {

/// A result of a state-audit run, or the reason it is not one.
llvm::Expected<BaselineResult> baselineResult(const llvm::json::Object &R, llvm::StringRef Path,
                                              size_t Number) {
  BaselineResult B;
  B.rule = R.getString("ruleId").value_or("").str();
  if (std::optional<Level> L = parseLevel(R.getString("level").value_or("warning")))
    B.level = *L;
  if (const llvm::json::Object *M = R.getObject("message"))
    B.message = M->getString("text").value_or("").str();
  if (const llvm::json::Object *F = R.getObject("fingerprints"))
    B.fingerprint = F->getString("stateAudit/v1").value_or("").str();
  if (const llvm::json::Object *P = R.getObject("properties"))
    B.symbol = P->getString("symbol").value_or("").str();
  const llvm::json::Array *Locs = R.getArray("locations");
  if (Locs && !Locs->empty())
    if (const llvm::json::Object *PL = (*Locs)[0].getAsObject()
                                           ? (*Locs)[0].getAsObject()->getObject("physicalLocation")
                                           : nullptr) {
      if (const llvm::json::Object *A = PL->getObject("artifactLocation"))
        B.loc.file = percentDecode(A->getString("uri").value_or(""));
      if (const llvm::json::Object *Reg = PL->getObject("region")) {
        B.loc.line = static_cast<unsigned>(Reg->getInteger("startLine").value_or(0));
        B.loc.column = static_cast<unsigned>(Reg->getInteger("startColumn").value_or(0));
        B.loc.endLine = static_cast<unsigned>(Reg->getInteger("endLine").value_or(B.loc.line));
        B.loc.endColumn = static_cast<unsigned>(Reg->getInteger("endColumn").value_or(0));
      }
    }
  if (B.rule.empty() || B.fingerprint.empty())
    return fail(Path, "result " + llvm::Twine(Number) +
                          " has no ruleId or stateAudit/v1 fingerprint; is this a "
                          "state-audit SARIF report?");
  return B;
}

} // namespace

llvm::Expected<std::vector<BaselineResult>> parseBaseline(llvm::StringRef Content,
                                                          llvm::StringRef Path,
                                                          std::vector<std::string> *Warnings) {
  // The results are read one by one (parseJsonInParts): the log is never held as one tree.
  std::vector<BaselineResult> Out;
  std::vector<std::string> Notes;
  std::vector<bool> OursAt; // per run: is it state-audit's
  unsigned Ours = 0;
  bool Refused = false; // an error of ours, with the file's name, not a JSON one
  auto OnLog = [&](const llvm::json::Value &Doc) -> llvm::Error {
    Out.clear();
    Notes.clear();
    OursAt.clear();
    Ours = 0;
    const llvm::json::Object *Root = Doc.getAsObject();
    const llvm::json::Array *Runs = Root ? Root->getArray("runs") : nullptr;
    if (!Runs)
      return Refused = true, fail(Path, "not a SARIF log (no \"runs\")");
    for (const llvm::json::Value &RunV : *Runs) {
      const llvm::json::Object *Run = RunV.getAsObject();
      const llvm::json::Object *Driver =
          Run && Run->getObject("tool") ? Run->getObject("tool")->getObject("driver") : nullptr;
      std::optional<llvm::StringRef> Name = Driver ? Driver->getString("name") : std::nullopt;
      OursAt.push_back(Name == llvm::StringRef("state-audit"));
      Ours += OursAt.back();
      if (!OursAt.back()) {
        std::string Who = Name ? "'" + Name->take_front(80).str() + "'" : "an unnamed tool";
        Notes.push_back(Path.str() + ": run " + std::to_string(OursAt.size()) + " is from " +
                        Who + ", not state-audit; its results are not used");
      }
    }
    return llvm::Error::success();
  };
  auto OnResult = [&](llvm::ArrayRef<size_t> Run, const llvm::json::Value &RV) -> llvm::Error {
    const llvm::json::Object *R = RV.getAsObject();
    if (Run.empty() || Run[0] >= OursAt.size() || !OursAt[Run[0]] || !R ||
        R->getString("baselineState") == llvm::StringRef("absent"))
      return llvm::Error::success();
    llvm::Expected<BaselineResult> B = baselineResult(*R, Path, Out.size() + 1);
    if (!B)
      return Refused = true, B.takeError();
    Out.push_back(std::move(*B));
    return llvm::Error::success();
  };
  llvm::Error E = parseJsonInParts(Content, {"runs", "*", "results"}, OnLog, OnResult);
  if (E && !Refused)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   (Path + ":" + llvm::toString(std::move(E))).str());
  if (Warnings)
    Warnings->insert(Warnings->end(), Notes.begin(), Notes.end());
  if (E)
    return std::move(E);
  if (Ours == 0)
    return fail(Path, "has no state-audit run: not a baseline of this tool");
  return Out;
}

std::vector<Finding> applyBaseline(std::vector<Finding> &Findings,
                                   const std::vector<BaselineResult> &Baseline,
                                   const PathMap &Map) {
  // With renamed paths the stored fingerprints no longer apply: recompute them from rule,
  // new path and symbol, exactly as link computes a finding's.
  std::vector<Finding> Old;
  for (const BaselineResult &B : Baseline) {
    Finding F;
    F.rule = B.rule;
    F.level = B.level;
    F.loc = B.loc;
    F.loc.file = mapPath(B.loc.file, Map);
    F.symbol = B.symbol;
    F.message = B.message;
    F.fingerprint = B.fingerprint;
    Old.push_back(std::move(F));
  }
  if (!Map.empty())
    assignFingerprints(Old);

  std::multiset<std::string> Remaining;
  for (const Finding &F : Old)
    Remaining.insert(F.fingerprint);
  for (Finding &F : Findings) {
    auto It = Remaining.find(F.fingerprint);
    if (It != Remaining.end()) {
      F.baseline = BaselineState::Unchanged;
      Remaining.erase(It);
    } else {
      F.baseline = BaselineState::New;
    }
  }
  std::vector<Finding> Absent;
  for (Finding &F : Old) {
    auto It = Remaining.find(F.fingerprint);
    if (It == Remaining.end())
      continue;
    Remaining.erase(It);
    F.baseline = BaselineState::Absent;
    Absent.push_back(std::move(F));
  }
  return Absent;
}

} // namespace sa
