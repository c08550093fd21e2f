// .state-audit.yaml: found automatically, so anyone who can commit can feed this parser.
#include "FuzzSupport.h"

#include "config/Config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  llvm::Expected<sa::Config> C = sa::parseConfig(fuzzInput(Data, Size), "fuzz.yaml");
  if (C)
    (void)sa::dumpConfig(*C);
  else
    llvm::consumeError(C.takeError());
  return 0;
}
