// Chunks are reused by their pool's thread while other threads still read and drop
// refs over them: every message must read back intact (run under TSAN and ASAN too).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "serialisation/buffer_pool.h"
#include "serialisation/chunk.h"
#include "serialisation/encode_buffer.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

class RefQueue {
 public:
  void Push(ChunkRef ref) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(std::move(ref));
    }
    cv_.notify_one();
  }
  // False once closed and drained.
  bool Pop(ChunkRef& out) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return false;
    out = std::move(queue_.front());
    queue_.pop_front();
    return true;
  }
  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ChunkRef> queue_;
  bool closed_ = false;
};

TEST(BufferPoolStress, RefsDroppedOnOtherThreadsFreeChunksSafely) {
  constexpr uint32_t kMessages = 20000;
  constexpr int kReaders = 2;
  ASSERT_OK_AND_ASSIGN(EncodeBuffer buffer,
                       EncodeBuffer::Create(BufferConfig{.chunk_size = 256,
                                                         .initial_chunk_count = 2,
                                                         .max_chunk_count = 8,
                                                         .encode_buf_min_free_space = 16}));
  RefQueue queue;
  std::atomic<uint32_t> verified{0};
  std::atomic<uint32_t> corrupt{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&] {
      ChunkRef ref;
      while (queue.Pop(ref)) {
        ChunkRef copy = ref;  // share across a copy, drop both here
        Buf in = copy.Reader();
        const uint32_t seq = in.GetU32();
        const uint32_t len = in.GetU8();
        bool ok = in.ok() && in.remaining() == len;
        for (uint32_t i = 0; i < len && ok; ++i) ok = in.GetU8() == static_cast<uint8_t>(seq + i);
        (ok ? verified : corrupt).fetch_add(1);
        ref = ChunkRef();
      }
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  uint32_t exhausted = 0;
  for (uint32_t seq = 0; seq < kMessages;) {
    const uint8_t len = static_cast<uint8_t>(seq % 200);  // some messages span chunks
    EncodeBuffer::Encoder enc = buffer.Begin(5 + len);
    enc.PutU32(seq);
    enc.PutU8(len);
    for (uint32_t i = 0; i < len; ++i) enc.PutU8(static_cast<uint8_t>(seq + i));
    absl::StatusOr<ChunkLease> lease = enc.Finish();
    if (!lease.ok()) {
      ASSERT_EQ(lease.status().code(), absl::StatusCode::kResourceExhausted) << lease.status();
      ++exhausted;
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "readers never released chunks";
      std::this_thread::yield();  // readers are behind: retry the same message
      continue;
    }
    queue.Push(std::move(*lease).Freeze());
    ++seq;
  }
  queue.Close();
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(verified.load(), kMessages);
  EXPECT_EQ(corrupt.load(), 0);
  EXPECT_LE(buffer.pool().allocated_chunks(), 8);
  RecordProperty("exhausted_retries", static_cast<int>(exhausted));
}

}  // namespace
}  // namespace kompact
