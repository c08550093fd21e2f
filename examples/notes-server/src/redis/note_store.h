// The note store of the Redis-backed build (NOTES_STORE=redis): every note lives in Redis,
// so every instance sees the same notes. The in-memory globals state.h declares are not
// defined in this build; g_note_store is what reads them.
//   notes:next_id          INCR: note ids, unique across instances
//   notes:note:<id>        the note as JSON
//   notes:all              list of ids in creation order
//   notes:tag:<tag>        list of ids with that tag, in creation order
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "state.h"

// Stores a new note; assigns and returns its id.
long save_note(Note& note);
std::optional<Note> load_note(long id);
// Ids of the notes with `tag` (all notes when empty), newest first, at most `limit` (0: all).
std::vector<long> note_ids(const std::string& tag, std::size_t limit);
std::vector<Note> load_notes(const std::vector<long>& ids);

// A read-only view of all notes in creation order: `for (const Note& n : g_note_store)`
// iterates over one snapshot read from Redis when the loop starts.
class NoteList {
 public:
  class iterator {
   public:
    explicit iterator(std::shared_ptr<const std::vector<Note>> notes) : notes_(std::move(notes)) {}
    const Note& operator*() const { return (*notes_)[index_]; }
    iterator& operator++() {
      ++index_;
      return *this;
    }
    bool at_end() const { return index_ >= notes_->size(); }

   private:
    std::shared_ptr<const std::vector<Note>> notes_;
    std::size_t index_ = 0;
  };
  struct sentinel {};
  friend bool operator!=(const iterator& it, sentinel) { return !it.at_end(); }

  iterator begin() const;
  sentinel end() const { return {}; }
  std::size_t size() const;
};
extern const NoteList g_note_store;
