#include "facts/FactGroups.h"

#include "facts/FactsJson.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace sa {

std::string groupHash(llvm::StringRef Json) {
  auto Digest = llvm::BLAKE3::hash<20>(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(Json.data()), Json.size()));
  return llvm::toHex(llvm::ArrayRef<uint8_t>(Digest), true);
}

namespace {
/// Hashes what is written to it as groupHash does, keeping the text only when asked: a
/// group's hash is needed on every scan, its text only by the cache.
class HashingStream : public llvm::raw_ostream {
public:
  explicit HashingStream(std::string *Keep) : Keep(Keep) {
    // JSON is printed a character at a time: unbuffered, each would be a call.
    SetBufferSize(1 << 16);
  }
  ~HashingStream() override { flush(); }
  std::string hash() {
    flush();
    auto Digest = Hasher.final<20>();
    return llvm::toHex(llvm::ArrayRef<uint8_t>(Digest), true);
  }

private:
  void write_impl(const char *Ptr, size_t Size) override {
    Hasher.update(llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(Ptr), Size));
    if (Keep)
      Keep->append(Ptr, Size);
    Written += Size;
  }
  uint64_t current_pos() const override { return Written; }

  llvm::BLAKE3 Hasher;
  std::string *Keep;
  uint64_t Written = 0;
};
} // namespace

std::string groupJson(const TUFacts &Facts) {
  std::string Text;
  HashingStream OS(&Text);
  writeFactsJson(OS, Facts);
  OS.flush();
  return Text;
}

namespace {
template <typename T> void append(std::vector<T> &Into, const std::vector<T> &From) {
  Into.insert(Into.end(), From.begin(), From.end());
}

/// The lists whose facts carry their own location.
constexpr auto LocatedLists =
    std::make_tuple(&TUFacts::decls, &TUFacts::records, &TUFacts::functions, &TUFacts::accesses,
                    &TUFacts::calls, &TUFacts::callables, &TUFacts::fileOps, &TUFacts::pools,
                    &TUFacts::suppressions);
/// Every list of facts.
constexpr auto AllLists = std::tuple_cat(
    LocatedLists, std::make_tuple(&TUFacts::instantiated, &TUFacts::creations));
} // namespace

/// Moves the facts of one list to the groups of their files. All in one file (a TU without
/// project headers, or a generated one with 80 000 functions) the list moves whole.
template <typename List, typename InFn> static void moveByLocation(List &From, InFn &&In) {
  if (From.empty())
    return;
  const std::string &First = From.front().loc.file;
  bool OneFile = std::all_of(From.begin(), From.end(),
                             [&](const auto &Fact) { return Fact.loc.file == First; });
  if (OneFile) {
    List &Into = In(First);
    if (Into.empty()) {
      Into = std::move(From);
      return;
    }
  }
  for (auto &Fact : From)
    In(Fact.loc.file).push_back(std::move(Fact));
}

std::vector<FactGroup> splitByFile(TUFacts TU, bool KeepJson) {
  // Creations go with the function they are in (read before the functions move). The
  // functions are sorted by id, then location: the first of an id is the one at its smallest
  // location.
  std::map<std::string, std::string> FunctionFile;
  if (!TU.creations.empty())
    for (const FunctionFact &F : TU.functions)
      FunctionFile.emplace(F.id, F.loc.file);

  std::map<std::string, TUFacts> Groups;
  auto In = [&](const std::string &File) -> TUFacts & {
    const std::string &Name = File.empty() ? TU.file : File;
    auto [It, New] = Groups.try_emplace(Name);
    if (New)
      It->second.file = Name;
    return It->second;
  };
  std::apply(
      [&](auto... List) {
        auto ByLocation = [&](auto Member) {
          moveByLocation(TU.*Member,
                         [&](const std::string &File) -> auto & { return In(File).*Member; });
        };
        (ByLocation(List), ...);
      },
      LocatedLists);

  std::map<std::string, std::set<std::string>> CreatedIn; // record -> files
  for (const Creation &C : TU.creations) {
    auto It = FunctionFile.find(C.function);
    const std::string &File = It == FunctionFile.end() ? TU.file : It->second;
    In(File).creations.push_back(C);
    CreatedIn[C.record].insert(File.empty() ? TU.file : File);
  }
  for (const std::string &R : TU.instantiated) {
    auto It = CreatedIn.find(R);
    if (It == CreatedIn.end()) {
      In(TU.file).instantiated.push_back(R);
      continue;
    }
    for (const std::string &File : It->second)
      In(File).instantiated.push_back(R);
  }

  std::vector<FactGroup> Out;
  Out.reserve(Groups.size());
  for (auto &[File, Facts] : Groups) {
    normalize(Facts); // already in order (subsequences of sorted lists); cheap, and certain
    FactGroup G;
    {
      HashingStream OS(KeepJson ? &G.json : nullptr);
      writeFactsJson(OS, Facts);
      G.hash = OS.hash();
    }
    G.facts = std::move(Facts);
    Out.push_back(std::move(G));
  }
  return Out;
}

TUFacts joinGroups(const TUSummary &Summary, const std::vector<std::string> &OutsideRoot,
                   const std::vector<const TUFacts *> &Groups) {
  TUFacts TU;
  TU.file = Summary.file;
  TU.status = Summary.status;
  TU.firstError = Summary.firstError;
  TU.errorCount = Summary.errorCount;
  TU.outsideRoot = OutsideRoot;
  TU.libraryCode = Summary.libraryCode;
  for (const TUFacts *G : Groups)
    std::apply([&](auto... List) { (append(TU.*List, G->*List), ...); }, AllLists);
  normalize(TU);
  return TU;
}

std::shared_ptr<const TUFacts> GroupStore::find(const std::string &Hash) const {
  std::lock_guard<std::mutex> Lock(Mutex);
  auto It = Groups.find(Hash);
  return It == Groups.end() ? nullptr : It->second;
}

std::shared_ptr<const TUFacts> GroupStore::add(const std::string &Hash, TUFacts Facts) {
  std::lock_guard<std::mutex> Lock(Mutex);
  auto [It, New] = Groups.try_emplace(Hash);
  if (New)
    It->second = std::make_shared<TUFacts>(std::move(Facts));
  return It->second;
}

bool GroupStore::contains(const std::string &Hash) const {
  std::lock_guard<std::mutex> Lock(Mutex);
  return Groups.count(Hash) != 0;
}

size_t GroupStore::size() const {
  std::lock_guard<std::mutex> Lock(Mutex);
  return Groups.size();
}

std::vector<GroupUse> GroupStore::uses(const std::map<std::string, unsigned> &Uses) const {
  std::lock_guard<std::mutex> Lock(Mutex);
  std::vector<GroupUse> Out;
  Out.reserve(Uses.size());
  for (const auto &[Hash, Count] : Uses) {
    auto It = Groups.find(Hash);
    if (It != Groups.end())
      Out.push_back({It->second.get(), Count});
  }
  return Out;
}

std::vector<OwnedGroup> GroupStore::take(const std::map<std::string, unsigned> &Uses) {
  std::lock_guard<std::mutex> Lock(Mutex);
  std::vector<OwnedGroup> Out;
  Out.reserve(Uses.size());
  for (const auto &[Hash, Count] : Uses) {
    auto It = Groups.find(Hash);
    if (It == Groups.end())
      continue;
    if (It->second.use_count() == 1)
      Out.push_back({std::move(*It->second), Count});
    else
      Out.push_back({*It->second, Count});
  }
  Groups.clear();
  return Out;
}

void GroupStore::clear() {
  std::lock_guard<std::mutex> Lock(Mutex);
  Groups.clear();
}

} // namespace sa
