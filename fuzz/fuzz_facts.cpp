// Facts files (merge) and cache entries: the same TU facts JSON.
#include "FuzzSupport.h"

#include "facts/FactsJson.h"
#include "support/Untrusted.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  llvm::Expected<llvm::json::Value> V = sa::parseUntrustedJson(fuzzInput(Data, Size));
  if (!V) {
    llvm::consumeError(V.takeError());
    return 0;
  }
  if (auto File = sa::factsFileFromJSON(*V)) {
    for (const sa::TUFacts &F : File->tus)
      (void)sa::toJSON(F);
  } else {
    llvm::consumeError(File.takeError());
  }
  if (auto TU = sa::tuFactsFromJSON(*V))
    (void)sa::toJSON(*TU);
  else
    llvm::consumeError(TU.takeError());
  return 0;
}
