#include "facts/LibraryNames.h"

namespace sa {

namespace {

std::vector<std::string> typesOf(const std::vector<StoreClient> &Clients, bool Project) {
  std::vector<std::string> Out;
  for (const StoreClient &C : Clients)
    if (C.projectClasses == Project)
      Out.insert(Out.end(), C.types.begin(), C.types.end());
  return Out;
}

} // namespace

StoreClientNames::StoreClientNames(const std::vector<StoreClient> &Clients)
    : Any(typesOf(Clients, true)), LibraryOnly(typesOf(Clients, false)) {}

bool StoreClientNames::matches(llvm::StringRef Name, bool Library) const {
  return Any.matches(Name, Name) || (Library && LibraryOnly.matches(Name, Name));
}

const StoreClientNames &StoreClientNames::builtin() {
  static const StoreClientNames Names(builtinKnowledge().storeClients);
  return Names;
}

PoolClassNames::PoolClassNames(const std::vector<PoolClass> &Pools,
                               const std::vector<std::string> &NotPools)
    : Pools(Pools), Not(NotPools) {
  for (const PoolClass &P : Pools)
    Patterns.emplace_back(std::vector<std::string>{P.name});
}

const PoolClass *PoolClassNames::match(llvm::StringRef Name) const {
  std::string Lower = Name.lower();
  if (Not.matches(Lower, Lower))
    return nullptr;
  for (size_t I = 0; I < Pools.size(); ++I)
    if (Patterns[I].matches(Lower, Lower))
      return &Pools[I];
  return nullptr;
}

} // namespace sa
