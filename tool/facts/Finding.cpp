#include "facts/Finding.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace sa {

const char *toString(Level L) {
  switch (L) {
  case Level::Note: return "note";
  case Level::Warning: return "warning";
  case Level::Error: return "error";
  }
  return "?";
}

std::optional<Level> parseLevel(llvm::StringRef S) {
  if (S == "note") return Level::Note;
  if (S == "warning") return Level::Warning;
  if (S == "error") return Level::Error;
  return std::nullopt;
}

bool findingLess(const Finding &A, const Finding &B) {
  return std::tie(A.loc, A.rule, A.symbol, A.message) <
         std::tie(B.loc, B.rule, B.symbol, B.message);
}

bool reportLess(const Finding &A, const Finding &B) {
  if (A.level != B.level)
    return A.level > B.level;
  return findingLess(A, B);
}

void sortForReport(std::vector<Finding> &Findings) {
  std::stable_sort(Findings.begin(), Findings.end(), reportLess);
}

const char *toString(BaselineState S) {
  switch (S) {
  case BaselineState::None: return "none";
  case BaselineState::New: return "new";
  case BaselineState::Unchanged: return "unchanged";
  case BaselineState::Absent: return "absent";
  }
  return "?";
}

void assignFingerprints(std::vector<Finding> &Findings) {
  std::map<std::tuple<std::string, std::string, std::string>, unsigned> Seen;
  for (Finding &F : Findings) {
    unsigned Ordinal = Seen[{F.rule, F.loc.file, F.symbol}]++;
    llvm::SHA256 H;
    for (llvm::StringRef Part : {llvm::StringRef(F.rule), llvm::StringRef(F.loc.file),
                                 llvm::StringRef(F.symbol)}) {
      H.update(Part);
      H.update(llvm::StringRef("\0", 1));
    }
    H.update(std::to_string(Ordinal));
    auto Digest = H.final();
    F.fingerprint = llvm::toHex(llvm::ArrayRef<uint8_t>(Digest).take_front(16), true);
  }
}

} // namespace sa
