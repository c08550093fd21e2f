#include "program/EntryPoints.h"

#include "facts/Knowledge.h"

#include "llvm/Support/Error.h"

namespace sa {

EntryPointOptions EntryPointOptions::defaults() { return fromKnowledge(builtinKnowledge()); }

EntryPointOptions EntryPointOptions::fromKnowledge(const Knowledge &All) {
  const EntryPointKnowledge &K = All.entryPoints;
  EntryPointOptions O;
  for (const InfrastructureClass &I : All.infrastructure) {
    O.infrastructureClasses.insert(O.infrastructureClasses.end(), I.types.begin(), I.types.end());
    if (I.kind == "connection")
      O.connectionClasses.insert(O.connectionClasses.end(), I.types.begin(), I.types.end());
  }
  O.registrationCalls = K.registrationCalls;
  O.excludedCalls = K.excludedCalls;
  O.backgroundCalls = K.backgroundCalls;
  O.handlerMethods = K.handlerMethods;
  O.teardownFunctions = K.teardownFunctions;
  O.teardownCalls = K.teardownCalls;
  O.onceCalls = K.onceCalls;
  O.configurationFunctions = K.configurationFunctions;
  return O;
}

} // namespace sa
