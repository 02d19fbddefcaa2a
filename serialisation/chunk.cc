#include "serialisation/chunk.h"

#include <cstring>
#include <utility>

#include "glog/logging.h"
#include "serialisation/internal/chunk.h"

namespace kompact {
namespace serialisation_internal {

ChunkSegments::ChunkSegments(const ChunkSegments& other)
    : spans(other.spans), chunks(other.chunks), size(other.size) {
  for (Chunk* c : chunks) c->Ref();
}

ChunkSegments& ChunkSegments::operator=(const ChunkSegments& other) {
  if (this != &other) {
    for (Chunk* c : other.chunks) c->Ref();
    Clear();
    spans = other.spans;
    chunks = other.chunks;
    size = other.size;
  }
  return *this;
}

ChunkSegments::ChunkSegments(ChunkSegments&& other) noexcept
    : spans(std::move(other.spans)), chunks(std::move(other.chunks)), size(other.size) {
  other.spans.clear();
  other.chunks.clear();
  other.size = 0;
}

ChunkSegments& ChunkSegments::operator=(ChunkSegments&& other) noexcept {
  if (this != &other) {
    Clear();
    spans = std::move(other.spans);
    chunks = std::move(other.chunks);
    size = other.size;
    other.spans.clear();
    other.chunks.clear();
    other.size = 0;
  }
  return *this;
}

ChunkSegments::~ChunkSegments() { Clear(); }

void ChunkSegments::Clear() {
  for (Chunk* c : chunks) c->Unref();
  spans.clear();
  chunks.clear();
  size = 0;
}

void ChunkSegments::AddAdopted(Chunk* chunk, const uint8_t* data, size_t n) {
  if (n == 0) {
    chunk->Unref();
    return;
  }
  spans.emplace_back(data, n);
  chunks.push_back(chunk);
  size += n;
}

void ChunkSegments::Append(ChunkSegments&& tail) {
  if (this == &tail) return;
  for (size_t i = 0; i < tail.spans.size(); ++i) {
    spans.push_back(tail.spans[i]);
    chunks.push_back(tail.chunks[i]);
  }
  size += tail.size;
  tail.spans.clear();
  tail.chunks.clear();  // references moved to this
  tail.size = 0;
}

}  // namespace serialisation_internal

using serialisation_internal::Chunk;
using serialisation_internal::ChunkSegments;

namespace {
std::vector<uint8_t> CopySegments(const ChunkSegments& segs) {
  std::vector<uint8_t> out;
  out.reserve(segs.size);
  for (const auto& s : segs.spans) out.insert(out.end(), s.begin(), s.end());
  return out;
}
}  // namespace

std::vector<uint8_t> ChunkLease::ToVector() const { return CopySegments(segs_); }

ChunkLease ChunkLease::SplitPrefix(size_t n) {
  CHECK_LE(n, segs_.size) << "ChunkLease::SplitPrefix beyond the lease";
  ChunkSegments head;
  ChunkSegments rest;
  size_t left = n;
  for (size_t i = 0; i < segs_.spans.size(); ++i) {
    const auto s = segs_.spans[i];
    Chunk* c = segs_.chunks[i];
    if (left >= s.size()) {
      head.AddAdopted(c, s.data(), s.size());
      left -= s.size();
    } else if (left == 0) {
      rest.AddAdopted(c, s.data(), s.size());
    } else {
      c->Ref();  // both halves hold this chunk
      head.AddAdopted(c, s.data(), left);
      rest.AddAdopted(c, s.data() + left, s.size() - left);
      left = 0;
    }
  }
  // References moved into head/rest; forget them here without Unref.
  segs_.spans.clear();
  segs_.chunks.clear();
  segs_.size = 0;
  segs_ = std::move(rest);
  return ChunkLease(std::move(head));
}

ChunkRef ChunkLease::Freeze() && { return ChunkRef(std::move(segs_)); }

ChunkRef ChunkRef::CopyOf(std::span<const uint8_t> bytes) {
  ChunkSegments segs;
  if (!bytes.empty()) {
    Chunk* c = Chunk::Allocate(bytes.size());
    std::memcpy(c->data(), bytes.data(), bytes.size());
    segs.AddAdopted(c, c->data(), bytes.size());
  }
  return ChunkRef(std::move(segs));
}

std::vector<uint8_t> ChunkRef::ToVector() const { return CopySegments(segs_); }

}  // namespace kompact
