#include "rules/connection-pool/ConnectionPoolBudget.h"

#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <map>

namespace sa {

std::string downstreamOf(llvm::StringRef S) {
  S = S.trim();
  // scheme://[user[:password]@]host[:port][/path][?query]
  if (size_t Scheme = S.find("://"); Scheme != llvm::StringRef::npos) {
    llvm::StringRef Rest = S.substr(Scheme + 3);
    Rest = Rest.take_until([](char C) { return C == '/' || C == '?' || C == '#'; });
    if (size_t At = Rest.rfind('@'); At != llvm::StringRef::npos)
      Rest = Rest.substr(At + 1);
    if (!Rest.empty())
      return Rest.lower();
    return S.str();
  }
  // libpq's key=value form: host=db port=5432 dbname=x
  if (S.contains('=')) {
    std::string Host, Port;
    llvm::SmallVector<llvm::StringRef, 8> Parts;
    S.split(Parts, ' ', -1, false);
    for (llvm::StringRef P : Parts) {
      auto [K, V] = P.split('=');
      K = K.trim();
      V = V.trim().trim("'\"");
      if (K.equals_insensitive("host") || K.equals_insensitive("hostaddr") ||
          K.equals_insensitive("server") || K.equals_insensitive("data source"))
        Host = V.lower();
      else if (K.equals_insensitive("port"))
        Port = V.str();
    }
    if (!Host.empty())
      return Port.empty() ? Host : Host + ":" + Port;
    return S.str();
  }
  return S.lower(); // "db:5432", a host name
}

namespace {

bool configuredFor(const Downstream &D, const PoolFact &P, const std::string &Identity) {
  for (const std::string &M : D.pools)
    if (M == P.name || M == P.downstream || (!Identity.empty() && downstreamOf(M) == Identity))
      return true;
  return false;
}

} // namespace

std::vector<DownstreamBudget> downstreamBudgets(const std::vector<PoolFact> &Pools,
                                                const PoolBudget &Budget) {
  std::map<std::string, DownstreamBudget> Groups;
  for (const PoolFact &P : Pools) {
    std::string Identity = P.downstreamLiteral ? downstreamOf(P.downstream) : P.downstream;
    std::string Key, Source;
    std::optional<std::int64_t> Limit = Budget.downstreamLimit;
    for (const Downstream &D : Budget.downstreams)
      if (configuredFor(D, P, Identity)) {
        Key = D.name;
        Source = "configured";
        if (D.limit)
          Limit = D.limit;
        break;
      }
    if (Key.empty() && !Identity.empty()) {
      Key = Identity;
      Source = P.downstreamLiteral ? "connection string" : "expression";
    }
    if (Key.empty()) {
      Key = (P.name.empty() ? P.type : P.name) + " (" + P.loc.file + ":" +
            std::to_string(P.loc.line) + ")";
      Source = "pool";
    }
    DownstreamBudget &G = Groups[Source + "\n" + Key];
    G.name = Key;
    G.source = Source;
    G.maxInstances = Budget.maxInstances;
    G.limit = Limit;
    G.pools.push_back({P.id, P.name.empty() ? P.type : P.name, P.loc, P.size, std::nullopt});
  }
  std::vector<DownstreamBudget> Out;
  for (auto &[Key, G] : Groups) {
    std::sort(G.pools.begin(), G.pools.end(),
              [](const PoolShare &A, const PoolShare &B) { return A.loc < B.loc; });
    for (const PoolShare &S : G.pools) {
      if (!S.size || *S.size < 0) {
        // A negative constant is known, but no pool has that size: the sum would be wrong.
        (S.size ? G.sizesValid : G.sizesKnown) = false;
        continue;
      }
      G.overflows |= __builtin_add_overflow(G.perInstance, *S.size, &G.perInstance);
    }
    if (G.sizesKnown && G.sizesValid && G.maxInstances)
      G.overflows |= __builtin_mul_overflow(*G.maxInstances, G.perInstance, &G.total);
    if (G.checked() && !G.overflows) {
      // N × (s + others) < limit  ⇔  s ≤ (limit - 1) / N - others
      std::int64_t PerInstanceCap = (*G.limit - 1) / *G.maxInstances;
      for (PoolShare &S : G.pools)
        S.largestSafe = std::max<std::int64_t>(0, PerInstanceCap - (G.perInstance - *S.size));
    }
    Out.push_back(std::move(G));
  }
  std::sort(Out.begin(), Out.end(), [](const DownstreamBudget &A, const DownstreamBudget &B) {
    return A.name < B.name;
  });
  return Out;
}

} // namespace sa
