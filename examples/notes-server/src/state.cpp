#include "state.h"

std::vector<Note> g_notes;
std::map<std::string, std::vector<long>> g_notes_by_tag;
long g_next_note_id = 1;
std::mutex g_notes_mu;
std::atomic<long> g_notes_version{0};
