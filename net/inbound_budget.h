// InboundBudget: the token bucket of one established connection's inbound rate
// limit (kompact.net.inbound-rate-limit.*, opt-in). It holds message tokens and
// byte tokens, each refilled at its rate up to a burst of a tenth of a second's
// worth (at least one token); a limit of 0 is unlimited. The connection takes a
// message token before each frame it decodes (a frame larger than a chunk is
// charged when complete, possibly into debt) and byte tokens for each read (a read
// is capped to what is left); once either runs out it stops reading until
// WaitForRefill() has passed (TCP backpressure: nothing is lost).
//
// Time is given to every call (`now`), never read here, so the bucket is tested
// with a fake clock and a simulated system could give it virtual time.
//
// Thread-safety: not thread-safe (one connection, the network thread). Lifetime: a
// value type.
#ifndef KOMPACT_NET_INBOUND_BUDGET_H_
#define KOMPACT_NET_INBOUND_BUDGET_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "absl/time/time.h"

namespace kompact::net {

// The rates of an inbound rate limit (NetworkConfig::inbound_rate_limit); 0: unlimited.
struct InboundRateLimit {
  uint64_t messages_per_second = 0;  // Data and control frames decoded per second
  uint64_t bytes_per_second = 0;     // bytes read per second (frame headers included)
  // Whether either rate is limited (off: connections have no budget at all).
  bool enabled() const { return messages_per_second > 0 || bytes_per_second > 0; }
};

// One connection's token bucket (see the file comment).
class InboundBudget {
 public:
  // The burst: this fraction of a second's worth of tokens (at least one).
  static constexpr double kBurstSeconds = 0.1;

  // A full bucket for `limit` at `now`.
  InboundBudget(const InboundRateLimit& limit, absl::Time now)
      : message_rate_(static_cast<double>(limit.messages_per_second)),
        byte_rate_(static_cast<double>(limit.bytes_per_second)),
        message_burst_(Burst(message_rate_)),
        byte_burst_(Burst(byte_rate_)),
        messages_(message_burst_),
        bytes_(byte_burst_),
        last_(now) {}

  // Adds the tokens earned since the last refill (up to the burst). A clock that
  // went backwards earns nothing.
  void Refill(absl::Time now) {
    const double elapsed = absl::ToDoubleSeconds(now - last_);
    if (elapsed <= 0) return;
    last_ = now;
    if (message_rate_ > 0) messages_ = std::min(message_burst_, messages_ + elapsed * message_rate_);
    if (byte_rate_ > 0) bytes_ = std::min(byte_burst_, bytes_ + elapsed * byte_rate_);
  }

  // Takes one message token: false (nothing taken) when none is left.
  bool TakeMessage() {
    if (message_rate_ == 0) return true;
    if (messages_ < 1) return false;
    messages_ -= 1;
    return true;
  }

  // Takes one message token even when none is left (a frame larger than a chunk,
  // read before it could be counted): the debt is paid by the next refills.
  void ChargeMessage() {
    if (message_rate_ > 0) messages_ -= 1;
  }

  // How many of `want` bytes may be read now (0: none until a refill).
  size_t ReadAllowance(size_t want) const {
    if (byte_rate_ == 0) return want;
    return bytes_ < 1 ? 0 : std::min(want, static_cast<size_t>(bytes_));
  }
  // `n` bytes were read (at most the last ReadAllowance).
  void TookBytes(size_t n) {
    if (byte_rate_ > 0) bytes_ = std::max(0.0, bytes_ - static_cast<double>(n));
  }

  // Whether reading must pause: a limited kind of token is used up.
  bool exhausted() const { return (message_rate_ > 0 && messages_ < 1) || (byte_rate_ > 0 && bytes_ < 1); }

  // How long until an exhausted bucket has a tenth of its burst again (at least
  // one token of each exhausted kind), at least a millisecond.
  absl::Duration WaitForRefill() const {
    double seconds = 0;
    if (message_rate_ > 0 && messages_ < 1) {
      seconds = std::max(seconds, (std::max(1.0, message_burst_ / 10) - messages_) / message_rate_);
    }
    if (byte_rate_ > 0 && bytes_ < 1) {
      seconds = std::max(seconds, (std::max(1.0, byte_burst_ / 10) - bytes_) / byte_rate_);
    }
    return std::max(absl::Milliseconds(1), absl::Seconds(seconds));
  }

  // The message tokens left (for tests).
  double messages() const { return messages_; }
  // The byte tokens left (for tests).
  double bytes() const { return bytes_; }

 private:
  static double Burst(double rate) { return rate == 0 ? 0 : std::max(1.0, std::floor(rate * kBurstSeconds)); }

  const double message_rate_;
  const double byte_rate_;
  const double message_burst_;
  const double byte_burst_;
  double messages_;
  double bytes_;
  absl::Time last_;
};

}  // namespace kompact::net

#endif  // KOMPACT_NET_INBOUND_BUDGET_H_
