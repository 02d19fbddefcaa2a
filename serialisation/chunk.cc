#include "serialisation/chunk.h"

#include <cstring>
#include <utility>

#include "glog/logging.h"
#include "serialisation/internal/chunk.h"

namespace kompact {
namespace serialisation_internal {

ChunkSegments::ChunkSegments(const ChunkSegments& other)
    : first_(other.first_), first_chunk_(other.first_chunk_), size_(other.size_) {
  if (other.more_ != nullptr) more_ = std::make_unique<Multi>(*other.more_);
  for (size_t i = 0; i < count(); ++i) chunk(i)->Ref();
}

ChunkSegments& ChunkSegments::operator=(const ChunkSegments& other) {
  if (this != &other) {
    ChunkSegments copy(other);
    *this = std::move(copy);
  }
  return *this;
}

void ChunkSegments::Clear() {
  if (more_ != nullptr) {
    for (Chunk* c : more_->chunks) c->Unref();
  } else if (first_chunk_ != nullptr) {
    first_chunk_->Unref();
  }
  Release();
}

void ChunkSegments::AddAdopted(Chunk* chunk, const uint8_t* data, size_t n) {
  if (n == 0) {
    chunk->Unref();
    return;
  }
  if (more_ == nullptr && first_chunk_ == nullptr) {
    first_ = {data, n};
    first_chunk_ = chunk;
  } else {
    if (more_ == nullptr) {
      more_ = std::make_unique<Multi>();
      more_->spans.push_back(first_);
      more_->chunks.push_back(first_chunk_);
      first_ = {};
      first_chunk_ = nullptr;
    }
    more_->spans.emplace_back(data, n);
    more_->chunks.push_back(chunk);
  }
  size_ += n;
}

void ChunkSegments::Append(ChunkSegments&& tail) {
  if (this == &tail || tail.size_ == 0) return;
  if (size_ == 0) {
    *this = std::move(tail);
    return;
  }
  for (size_t i = 0; i < tail.count(); ++i) {
    const std::span<const uint8_t> s = tail.span(i);
    AddAdopted(tail.chunk(i), s.data(), s.size());  // the reference moves here
  }
  tail.Release();
}

}  // namespace serialisation_internal

using serialisation_internal::Chunk;
using serialisation_internal::ChunkSegments;

namespace {
std::vector<uint8_t> CopySegments(const ChunkSegments& segs) {
  std::vector<uint8_t> out;
  out.reserve(segs.size());
  for (size_t i = 0; i < segs.count(); ++i) {
    const std::span<const uint8_t> s = segs.span(i);
    out.insert(out.end(), s.begin(), s.end());
  }
  return out;
}
}  // namespace

std::vector<uint8_t> ChunkLease::ToVector() const { return CopySegments(segs_); }

ChunkLease ChunkLease::SplitPrefix(size_t n) {
  CHECK_LE(n, segs_.size()) << "ChunkLease::SplitPrefix beyond the lease";
  ChunkSegments head;
  if (n == 0) return ChunkLease(std::move(head));
  const std::span<const uint8_t> first = segs_.span(0);
  if (n < first.size()) {
    // Common case (an encoder cutting a message off its chunk): inside the first segment.
    Chunk* c = segs_.chunk(0);
    c->Ref();  // head and rest both hold the chunk
    head.AddAdopted(c, first.data(), n);
    segs_.DropFront(n);
    return ChunkLease(std::move(head));
  }
  ChunkSegments rest;
  size_t left = n;
  for (size_t i = 0; i < segs_.count(); ++i) {
    const std::span<const uint8_t> s = segs_.span(i);
    Chunk* c = segs_.chunk(i);
    c->Ref();  // the old segments drop theirs below
    if (left >= s.size()) {
      head.AddAdopted(c, s.data(), s.size());
      left -= s.size();
    } else if (left == 0) {
      rest.AddAdopted(c, s.data(), s.size());
    } else {
      c->Ref();
      head.AddAdopted(c, s.data(), left);
      rest.AddAdopted(c, s.data() + left, s.size() - left);
      left = 0;
    }
  }
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
