#include "driver/FactsCache.h"

#include "Version.h"
#include "facts/FactsJson.h"
#include "support/Output.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <cstdlib>

namespace sa {

namespace {
constexpr int CacheFormat = 1;

/// What built these facts: the executable's own contents (a rebuilt state-audit at the same
/// version may extract differently) and the Clang it runs on.
const std::string &toolFingerprint() {
  static const std::string Fingerprint = [] {
    static int Anchor;
    std::string Exe = llvm::sys::fs::getMainExecutable(nullptr, &Anchor);
    std::string Id = std::string(STATE_AUDIT_VERSION) + "/llvm-" LLVM_VERSION_STRING;
    if (auto Buffer = llvm::MemoryBuffer::getFile(Exe, /*IsText=*/false,
                                                  /*RequiresNullTerminator=*/false)) {
      llvm::StringRef Bytes = (*Buffer)->getBuffer();
      llvm::XXH128_hash_t H = llvm::xxh3_128bits(llvm::ArrayRef<uint8_t>(
          reinterpret_cast<const uint8_t *>(Bytes.data()), Bytes.size()));
      Id += "/" + llvm::utohexstr(H.high64, true, 16) + llvm::utohexstr(H.low64, true, 16);
    }
    return Id;
  }();
  return Fingerprint;
}
} // namespace

FactsCache::FactsCache(std::string D, std::string S) : Dir(std::move(D)), Salt(std::move(S)) {}

std::string FactsCache::key(llvm::StringRef Directory,
                            const std::vector<std::string> &Arguments) const {
  llvm::SHA256 H;
  auto Part = [&](llvm::StringRef S) {
    H.update(S);
    H.update(llvm::StringRef("\0", 1));
  };
  Part("state-audit facts cache");
  Part(toolFingerprint());
  Part(std::to_string(FactsFormatVersion));
  Part(std::to_string(CacheFormat));
  Part(Salt);
  Part(Directory);
  for (const std::string &A : Arguments)
    Part(A);
  auto Digest = H.final();
  return llvm::toHex(llvm::ArrayRef<uint8_t>(Digest).take_front(20), true);
}

std::string FactsCache::entryPath(const std::string &Key) const {
  llvm::SmallString<256> P(Dir);
  llvm::sys::path::append(P, "v" + std::to_string(CacheFormat), Key.substr(0, 2), Key + ".json");
  return std::string(P);
}

std::string FactsCache::contentHash(const std::string &Path) {
  {
    std::lock_guard<std::mutex> Lock(Mutex);
    auto It = Hashes.find(Path);
    if (It != Hashes.end())
      return It->second;
  }
  std::string Hash;
  if (auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                                /*RequiresNullTerminator=*/false)) {
    llvm::StringRef Bytes = (*Buffer)->getBuffer();
    llvm::XXH128_hash_t X =
        llvm::xxh3_128bits(llvm::ArrayRef<uint8_t>(
            reinterpret_cast<const uint8_t *>(Bytes.data()), Bytes.size()));
    Hash = llvm::utohexstr(X.high64, true, 16) + llvm::utohexstr(X.low64, true, 16);
  }
  std::lock_guard<std::mutex> Lock(Mutex);
  Hashes[Path] = Hash;
  return Hash;
}

std::optional<TUFacts> FactsCache::lookup(const std::string &Key) {
  auto Buffer = llvm::MemoryBuffer::getFile(entryPath(Key), /*IsText=*/true);
  if (!Buffer)
    return std::nullopt; // not cached yet
  llvm::Expected<llvm::json::Value> Doc = llvm::json::parse((*Buffer)->getBuffer());
  const llvm::json::Object *O = Doc ? Doc->getAsObject() : nullptr;
  if (!O || O->getString("format") != llvm::StringRef("state-audit-cache") ||
      O->getInteger("version") != CacheFormat || O->getString("key") != llvm::StringRef(Key) ||
      O->getString("tool") != llvm::StringRef(STATE_AUDIT_VERSION)) {
    if (!Doc)
      llvm::consumeError(Doc.takeError());
    ++Corrupt;
    return std::nullopt;
  }
  const llvm::json::Array *Inputs = O->getArray("inputs");
  const llvm::json::Value *Facts = O->get("facts");
  if (!Inputs || !Facts) {
    ++Corrupt;
    return std::nullopt;
  }
  for (const llvm::json::Value &I : *Inputs) {
    const llvm::json::Object *File = I.getAsObject();
    std::optional<llvm::StringRef> Path = File ? File->getString("path") : std::nullopt;
    std::optional<llvm::StringRef> Hash = File ? File->getString("hash") : std::nullopt;
    if (!Path || !Hash) {
      ++Corrupt;
      return std::nullopt;
    }
    if (contentHash(Path->str()) != *Hash)
      return std::nullopt; // an input changed: parse again
  }
  llvm::Expected<TUFacts> F = tuFactsFromJSON(*Facts);
  if (!F) {
    llvm::consumeError(F.takeError());
    ++Corrupt;
    return std::nullopt;
  }
  return std::move(*F);
}

void FactsCache::store(const std::string &Key, const TUFacts &Facts,
                       const std::vector<std::string> &Inputs) {
  llvm::json::Array Files;
  for (const std::string &Path : Inputs) {
    std::string Hash = contentHash(Path);
    if (Hash.empty()) {
      if (std::getenv("STATE_AUDIT_DEBUG_CACHE"))
        llvm::errs() << "cache: cannot hash " << Path << "\n";
      return; // an input vanished while parsing: do not cache what cannot be checked
    }
    Files.push_back(llvm::json::Object{{"path", Path}, {"hash", Hash}});
  }
  llvm::json::Value Entry = llvm::json::Object{{"format", "state-audit-cache"},
                                               {"version", CacheFormat},
                                               {"tool", STATE_AUDIT_VERSION},
                                               {"key", Key},
                                               {"inputs", std::move(Files)},
                                               {"facts", toJSON(Facts)}};
  std::string Path = entryPath(Key);
  if (llvm::sys::fs::create_directories(llvm::sys::path::parent_path(Path)))
    return; // an unwritable cache slows the next scan down, nothing more
  std::string Text;
  llvm::raw_string_ostream(Text) << Entry;
  if (llvm::Error E = writeFileAtomically(Path, Text))
    llvm::consumeError(std::move(E));
}

} // namespace sa
