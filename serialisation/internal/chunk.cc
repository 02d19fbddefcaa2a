#include "serialisation/internal/chunk.h"

#include <new>

namespace kompact::serialisation_internal {

static_assert(sizeof(Chunk) == 64, "chunk data should start on its own cache line");

Chunk* Chunk::Allocate(size_t size) {
  void* mem = ::operator new (sizeof(Chunk) + size, std::align_val_t{alignof(Chunk)});
  return new (mem) Chunk(size);
}

void Chunk::Free() {
  this->~Chunk();
  ::operator delete (static_cast<void*>(this), std::align_val_t{alignof(Chunk)});
}

}  // namespace kompact::serialisation_internal
