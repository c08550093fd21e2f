// compile_commands.json, response files included (read-only: they are only expanded).
#include "FuzzSupport.h"

#include "driver/CompileDb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  auto Commands = sa::parseCompileDatabase(fuzzInput(Data, Size), "/nonexistent/compile_commands.json");
  if (!Commands)
    llvm::consumeError(Commands.takeError());
  return 0;
}
