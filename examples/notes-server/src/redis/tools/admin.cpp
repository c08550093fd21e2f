// The in-memory build's src/tools/admin.cpp, reading the notes from Redis: its loops over
// g_notes go over the Redis note store's view instead (redis/note_store.h).
#include "redis/note_store.h"
#define g_notes g_note_store
#include "../../tools/admin.cpp"
