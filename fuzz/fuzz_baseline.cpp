// A SARIF baseline (--baseline): any SARIF log, from any tool.
#include "FuzzSupport.h"

#include "gate/Baseline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::vector<std::string> Warnings;
  auto B = sa::parseBaseline(fuzzInput(Data, Size), "fuzz.sarif", &Warnings);
  if (!B) {
    llvm::consumeError(B.takeError());
    return 0;
  }
  std::vector<sa::Finding> None;
  (void)sa::applyBaseline(None, *B, {{"a", "b"}});
  return 0;
}
